package dev.patchmem.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Loads a config record: the record's defaults, then the file's keys, then {@code --set key=value}
 * overrides. Unknown keys, wrong types and out-of-range values are {@link ConfigException}s whose
 * one-line message names the key and where it came from.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /**
     * Loads {@code type} from {@code file} (may be null for defaults only) with {@code overrides}.
     *
     * @param defaults the record holding every default; its JSON form defines the known keys
     */
    public static <T> T load(Path file, Class<T> type, T defaults, List<String> overrides) throws IOException {
        return load(file, type, defaults, overrides, true);
    }

    /**
     * Loads {@code type} from the JSON text of a resolved config (a run's config.json). It already
     * holds every key, so a {@code model.preset} it names is not read again: the config loads where
     * that preset file is absent or has changed since.
     */
    public static <T> T parse(Path file, Class<T> type, T defaults) throws IOException {
        return load(file, type, defaults, List.of(), false);
    }

    private static <T> T load(Path file, Class<T> type, T defaults, List<String> overrides, boolean presets)
            throws IOException {
        ObjectNode tree = Json.MAPPER.valueToTree(defaults);
        String source = "defaults";
        if (file != null) {
            source = file.toString();
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(file + ": config file not found");
            }
            JsonNode user;
            try {
                user = Json.MAPPER.readTree(file.toFile());
            } catch (JsonProcessingException e) {
                // A nesting-depth limit has no location.
                String where = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ": ";
                throw new ConfigException(file + ": not valid JSON (" + where + e.getOriginalMessage()
                        .replace("Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); ", "")
                        + ")");
            }
            if (user == null || !user.isObject()) {
                throw new ConfigException(file + ": a config must be a JSON object");
            }
            if (presets) {
                expandPresets(file, (ObjectNode) user);
            }
            merge(tree, (ObjectNode) user, "", file.toString());
        }
        for (String o : overrides) {
            applyOverride(tree, o);
        }
        if (!overrides.isEmpty()) {
            source += " with --set " + String.join(" ", overrides);
        }
        return convert(tree, type, source);
    }

    // A model section may name a preset file whose keys fill in whatever the section does not set.
    private static void expandPresets(Path file, ObjectNode user) throws IOException {
        JsonNode model = user.get("model");
        if (model == null || !model.isObject() || !model.hasNonNull("preset")) {
            return;
        }
        JsonNode presetNode = model.get("preset");
        if (!presetNode.isTextual()) {
            throw new ConfigException(file + ": model.preset must be a file name (string)");
        }
        String name = presetNode.asText();
        if (name.isEmpty()) {
            return;
        }
        Path preset = Home.resolve(name);
        if (!Files.isRegularFile(preset)) {
            throw new ConfigException(file + ": model.preset " + name + " not found");
        }
        JsonNode presetTree;
        try {
            presetTree = Json.MAPPER.readTree(preset.toFile());
        } catch (JsonProcessingException e) {
            throw new ConfigException(preset + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (!presetTree.isObject()) {
            throw new ConfigException(preset + ": a model preset must be a JSON object");
        }
        ObjectNode merged = ((ObjectNode) presetTree).deepCopy();
        merged.setAll((ObjectNode) model);
        user.set("model", merged);
    }

    private static void merge(ObjectNode target, ObjectNode source, String prefix, String where) {
        Iterator<Map.Entry<String, JsonNode>> it = source.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix + e.getKey();
            JsonNode known = target.get(e.getKey());
            if (known == null) {
                throw new ConfigException(where + ": unknown key '" + key + "' (known here: "
                        + knownKeys(target) + ")");
            }
            if (known.isObject()) {
                if (!e.getValue().isObject()) {
                    throw new ConfigException(where + ": key '" + key + "' must be an object with keys "
                            + knownKeys((ObjectNode) known));
                }
                merge((ObjectNode) known, (ObjectNode) e.getValue(), key + ".", where);
            } else {
                target.set(e.getKey(), e.getValue());
            }
        }
    }

    private static String knownKeys(ObjectNode node) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return String.join(", ", keys);
    }

    private static void applyOverride(ObjectNode tree, String override) {
        int eq = override.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException("--set " + override + ": expected key=value, e.g. train.steps=500");
        }
        String key = override.substring(0, eq).trim();
        String text = override.substring(eq + 1);
        String[] parts = key.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (child == null || !child.isObject()) {
                throw new ConfigException("--set " + override + ": unknown key '" + key + "'");
            }
            node = (ObjectNode) child;
        }
        String leaf = parts[parts.length - 1];
        JsonNode old = node.get(leaf);
        if (old == null) {
            throw new ConfigException("--set " + override + ": unknown key '" + key + "' (known here: "
                    + knownKeys(node) + ")");
        }
        if (old.isObject()) {
            throw new ConfigException("--set " + override + ": '" + key + "' is a section; set one of its keys: "
                    + knownKeys((ObjectNode) old));
        }
        node.set(leaf, parseValue(text, old));
    }

    // Values are JSON when they parse as JSON (numbers, booleans, lists); otherwise plain strings.
    private static JsonNode parseValue(String text, JsonNode old) {
        if (old.isTextual() || text.isBlank()) {
            return TextNode.valueOf(text);
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return JsonNodeFactory.instance.textNode(text);
        }
    }

    private static <T> T convert(ObjectNode tree, Class<T> type, String source) {
        try {
            return Json.MAPPER.treeToValue(tree, type);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause();
            String msg = cause instanceof ConfigException ? cause.getMessage() : e.getOriginalMessage();
            throw new ConfigException(source + ": " + msg);
        } catch (MismatchedInputException e) {
            throw new ConfigException(source + ": key '" + path(e) + "' has the wrong type: expected "
                    + simpleType(e) + ", got " + valueAt(tree, e));
        } catch (JsonMappingException e) {
            throw new ConfigException(source + ": key '" + path(e) + "': " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": " + e.getOriginalMessage());
        }
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String simpleType(MismatchedInputException e) {
        Class<?> t = e.getTargetType();
        if (t == null) {
            return "another type";
        }
        if (t.isEnum()) {
            return "one of " + java.util.Arrays.stream(t.getEnumConstants())
                    .map(c -> ((Lower) c).word()).collect(Collectors.joining(", "));
        }
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
            return "an integer";
        }
        if (t == double.class || t == Double.class || t == float.class) {
            return "a number";
        }
        if (t == boolean.class || t == Boolean.class) {
            return "true or false";
        }
        if (t == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(t)) {
            return "a list";
        }
        return "an object";
    }

    private static String valueAt(JsonNode tree, JsonMappingException e) {
        JsonNode node = tree;
        for (JsonMappingException.Reference r : e.getPath()) {
            if (node == null) {
                break;
            }
            node = r.getFieldName() != null ? node.get(r.getFieldName()) : node.get(r.getIndex());
        }
        return node == null ? "nothing" : node.toString();
    }
}
