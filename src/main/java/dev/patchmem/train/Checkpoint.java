package dev.patchmem.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchmem.config.Json;
import dev.patchmem.io.AtomicFiles;
import dev.patchmem.io.Hashes;
import dev.patchmem.io.NpyArray;
import dev.patchmem.io.Npz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A checkpoint folder checkpoints/step-NNNNNNN/: model.npz, ema.npz, optimizer.npz (NumPy archives
 * of named float32 arrays), state.json, config.json, and manifest.json with the SHA-256 of every
 * other file. The folder is built under a temporary name and renamed when complete, and the
 * manifest is written last, so a folder with a manifest is whole; loading verifies every checksum.
 *
 * @param dir   the folder
 * @param state its state.json
 */
public record Checkpoint(Path dir, State state) {

    /**
     * state.json: where training stood.
     *
     * @param step        optimizer steps completed
     * @param seed        the run's seed; with {@code step} it fixes all later random numbers
     * @param configHash  SHA-256 of the run's resolved config
     * @param adamSteps   AdamW update count
     * @param loss        loss of the last step
     * @param wallSeconds training time so far
     */
    public record State(int step, long seed, String configHash, long adamSteps, double loss, double wallSeconds) {
    }

    /** The files of a checkpoint, besides the manifest. */
    public static final List<String> FILES =
            List.of("model.npz", "ema.npz", "optimizer.npz", "state.json", "config.json");

    /** Folder name of step {@code step}. */
    public static String name(int step) {
        return String.format("step-%07d", step);
    }

    /** Writes a checkpoint into {@code checkpoints}/step-NNNNNNN atomically. */
    public static Path write(Path checkpoints, State state, String configJson, Map<String, NpyArray> model,
                             Map<String, NpyArray> ema, Map<String, NpyArray> optimizer) throws IOException {
        Path dir = checkpoints.resolve(name(state.step()));
        AtomicFiles.writeFolder(dir, tmp -> {
            Npz.write(tmp.resolve("model.npz"), model);
            Npz.write(tmp.resolve("ema.npz"), ema);
            Npz.write(tmp.resolve("optimizer.npz"), optimizer);
            Json.write(tmp.resolve("state.json"), state);
            AtomicFiles.writeString(tmp.resolve("config.json"), configJson);
            Map<String, String> sums = new LinkedHashMap<>();
            for (String f : FILES) {
                sums.put(f, Hashes.file(tmp.resolve(f)));
            }
            Json.write(tmp.resolve("manifest.json"), Map.of("step", state.step(), "files", sums));
        });
        return dir;
    }

    /** True when {@code dir} has a manifest (it was completed). */
    public static boolean isComplete(Path dir) {
        return Files.isRegularFile(dir.resolve("manifest.json"));
    }

    /** Complete checkpoints under {@code checkpoints}, oldest first. */
    public static List<Path> list(Path checkpoints) throws IOException {
        if (!Files.isDirectory(checkpoints)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(checkpoints)) {
            return s.filter(p -> p.getFileName().toString().matches("step-\\d{7}"))
                    .filter(Checkpoint::isComplete).sorted(Comparator.comparing(Path::toString)).toList();
        }
    }

    /** The newest complete checkpoint, if any. */
    public static Optional<Path> latest(Path checkpoints) throws IOException {
        List<Path> all = list(checkpoints);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Opens {@code dir} after checking the manifest's checksums; a bad file is an error naming it. */
    public static Checkpoint open(Path dir) throws IOException {
        Path manifest = dir.resolve("manifest.json");
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": no such checkpoint folder");
        }
        if (!Files.isRegularFile(manifest)) {
            throw new IOException(manifest + " missing: " + dir + " is not a complete checkpoint");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(manifest.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(manifest + " is corrupt (not valid JSON: " + e.getOriginalMessage() + ")");
        }
        JsonNode files = root.path("files");
        for (String f : FILES) {
            Path p = dir.resolve(f);
            if (!Files.isRegularFile(p)) {
                throw new IOException(p + " missing from checkpoint");
            }
            String want = files.path(f).asText("");
            if (!want.equals(Hashes.file(p))) {
                throw new IOException(p + " is corrupt (checksum differs from " + manifest.getFileName() + ")");
            }
        }
        State state = Json.read(dir.resolve("state.json"), State.class);
        if (root.path("step").asInt(-1) != state.step()) {
            throw new IOException(manifest + " is corrupt (step " + root.path("step") + ", state.json says "
                    + state.step() + ")");
        }
        return new Checkpoint(dir, state);
    }

    public Map<String, NpyArray> model() throws IOException {
        return Npz.read(dir.resolve("model.npz"));
    }

    public Map<String, NpyArray> ema() throws IOException {
        return Npz.read(dir.resolve("ema.npz"));
    }

    public Map<String, NpyArray> optimizer() throws IOException {
        return Npz.read(dir.resolve("optimizer.npz"));
    }

    public Path configFile() {
        return dir.resolve("config.json");
    }

    /** Deletes all but the newest {@code keep} complete checkpoints (keep 0: delete none). */
    public static void prune(Path checkpoints, int keep) throws IOException {
        if (keep <= 0) {
            return;
        }
        List<Path> all = new ArrayList<>(list(checkpoints));
        for (int i = 0; i < all.size() - keep; i++) {
            AtomicFiles.deleteTree(all.get(i));
        }
    }
}
