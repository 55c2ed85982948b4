package dev.patchmem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchmem.config.Json;
import dev.patchmem.config.StudyConfig;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: {@code patchmem train --config FILE --dry-run} on random config JSON (random keys, types,
 * values and nesting, some of it not JSON at all) never ends in a stack trace. It exits 0 and prints
 * the resolved config, or exits 1 with one line on stderr that names the file.
 */
class ConfigFuzzTest {

    static final int CASES = 400;
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final ObjectNode DEFAULTS = Json.MAPPER.valueToTree(StudyConfig.DEFAULT);
    static final List<String> WORDS = List.of("cosine", "linear", "ddim", "ddpm", "x0", "eps", "v", "constant",
            "COSINE", "", " ", "models/unet-tiny.json", "models/none.json", "runs/data/x", "../x", "ÿ\u00e9", "null",
            "1", "true", "[1, 2]");

    @TempDir
    Path tmp;

    @Test
    void randomConfigsEndInTheResolvedConfigOrOneLineNamingTheFile() throws Exception {
        Random random = new Random(20_261_203);
        List<String> problems = new ArrayList<>();
        int accepted = 0;
        for (int i = 0; i < CASES; i++) {
            String text = randomConfig(random);
            Path file = tmp.resolve("c" + i + ".json");
            Files.writeString(file, text);
            Cli.Result r = Cli.patchmem("train", "--config", file, "--dry-run");
            String problem = check(r, file);
            if (problem != null) {
                problems.add(problem + "\n  config: " + (text.length() > 400 ? text.substring(0, 400) + "..." : text));
            } else if (r.code() == 0) {
                accepted++;
            }
        }
        assertEquals(List.of(), problems.subList(0, Math.min(5, problems.size())), problems.size() + " problems");
        assertTrue(accepted > CASES / 20 && accepted < CASES * 3 / 4, accepted + " of " + CASES + " accepted");
    }

    @Test
    void deeplyNestedJsonIsAnErrorNamingTheFileNotAStackOverflow() throws Exception {
        for (String text : List.of("{\"seed\": " + "[".repeat(5000) + "]".repeat(5000) + "}",
                "{\"train\": " + "{\"a\": ".repeat(3000) + "1" + "}".repeat(3001))) {
            Path file = tmp.resolve("deep.json");
            Files.writeString(file, text);
            Cli.Result r = Cli.patchmem("train", "--config", file, "--dry-run");
            assertEquals(null, check(r, file));
            assertEquals(1, r.code());
        }
    }

    // Null when r is what the property allows, else what is wrong.
    private static String check(Cli.Result r, Path file) {
        if (r.err().contains("\tat ") || r.err().contains("Exception")) {
            return "stack trace: " + r.err();
        }
        if (r.code() == 0) {
            try {
                Json.MAPPER.readTree(r.out());
            } catch (java.io.IOException e) {
                return "exit 0 without the resolved config: " + r.out();
            }
            return r.errorLines().isEmpty() ? null : "exit 0 with an error: " + r.err();
        }
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        if (r.code() != 1 || lines.size() != 1 || !lines.get(0).startsWith("patchmem train: ")) {
            return "exit " + r.code() + " with " + lines.size() + " lines: " + r.err();
        }
        return lines.get(0).contains(file.toString()) ? null : "the error does not name the file: " + lines.get(0);
    }

    /** The defaults with 1 to 4 random changes; one in ten is then broken as text. */
    static String randomConfig(Random random) {
        ObjectNode root = DEFAULTS.deepCopy();
        int changes = 1 + random.nextInt(4);
        for (int c = 0; c < changes; c++) {
            change(root, random);
        }
        String text = random.nextInt(3) == 0 ? root.toPrettyString() : root.toString();
        if (random.nextInt(10) == 0) {
            int at = random.nextInt(text.length());
            text = switch (random.nextInt(3)) {
                case 0 -> text.substring(0, at);                                        // cut short
                case 1 -> text.substring(0, at) + "{[,:\"'#\u0000".charAt(random.nextInt(8)) + text.substring(at);
                default -> text.substring(0, at) + text.substring(Math.min(text.length(), at + 1));
            };
        }
        return text;
    }

    private static void change(ObjectNode root, Random random) {
        List<String> sections = new ArrayList<>();
        root.fieldNames().forEachRemaining(sections::add);
        String section = sections.get(random.nextInt(sections.size()));
        JsonNode node = root.get(section);
        switch (random.nextInt(8)) {
            case 0 -> root.set(randomKey(random), randomValue(random, 3));             // unknown top-level key
            case 1 -> root.set(section, randomValue(random, 3));                         // a section replaced
            case 2 -> root.remove(section);                                              // a section left out
            default -> {
                if (!(node instanceof ObjectNode obj)) {
                    root.set(section, randomValue(random, 2));
                    return;
                }
                List<String> keys = new ArrayList<>();
                obj.fieldNames().forEachRemaining(keys::add);
                String key = random.nextInt(6) == 0 ? randomKey(random) : keys.get(random.nextInt(keys.size()));
                obj.set(key, random.nextBoolean() ? plausible(obj.get(key), random) : randomValue(random, 3));
            }
        }
    }

    // A value of the same type as old (when known), often in range: these configs get accepted.
    private static JsonNode plausible(JsonNode old, Random random) {
        if (old == null) {
            return randomValue(random, 1);
        }
        if (old.isIntegralNumber()) {
            return NODES.numberNode(List.of(0, 1, 2, 4, 8, 16, 64, -1, 3).get(random.nextInt(9)));
        }
        if (old.isNumber()) {
            return NODES.numberNode(List.of(0.0, 0.1, 0.5, 0.999, 1.0, 2.0, -0.1, 1e-9).get(random.nextInt(8)));
        }
        if (old.isTextual()) {
            return NODES.textNode(WORDS.get(random.nextInt(WORDS.size())));
        }
        if (old.isBoolean()) {
            return NODES.booleanNode(random.nextBoolean());
        }
        if (old.isArray()) {
            ArrayNode a = NODES.arrayNode();
            for (int i = random.nextInt(4); i > 0; i--) {
                a.add(random.nextInt(5) == 0 ? NODES.nullNode() : NODES.numberNode(1 + random.nextInt(4)));
            }
            return a;
        }
        return randomValue(random, 2);
    }

    static JsonNode randomValue(Random random, int depth) {
        int kinds = depth > 0 ? 12 : 9;
        return switch (random.nextInt(kinds)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(random.nextInt(2001) - 1000);
            case 3 -> NODES.numberNode(List.of(Long.MAX_VALUE, Long.MIN_VALUE, (long) Integer.MAX_VALUE + 1, 0L)
                    .get(random.nextInt(4)));
            case 4 -> NODES.numberNode(new BigInteger("123456789012345678901234567890"));
            case 5 -> NODES.numberNode(List.of(1e308, -1e-320, 0.5, -0.0, 3.7, 1e20).get(random.nextInt(6)));
            case 6, 7 -> NODES.textNode(WORDS.get(random.nextInt(WORDS.size())));
            case 8 -> NODES.textNode(randomKey(random));
            case 9, 10 -> {
                ArrayNode a = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    a.add(randomValue(random, depth - 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = NODES.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    o.set(randomKey(random), randomValue(random, depth - 1));
                }
                yield o;
            }
        };
    }

    static String randomKey(Random random) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-$ \u00e9";
        int n = random.nextInt(12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
