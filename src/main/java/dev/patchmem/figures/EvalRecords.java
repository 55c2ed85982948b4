package dev.patchmem.figures;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchmem.config.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the figures read of a run's evaluation: eval/index.json and the per-checkpoint folders. */
public record EvalRecords(Path runDir, List<JsonNode> checkpoints) {

    /** Reads runDir/eval/index.json; a run never evaluated is an error naming the file. */
    public static EvalRecords read(Path runDir) throws IOException {
        Path index = runDir.resolve("eval").resolve("index.json");
        if (!Files.isRegularFile(index)) {
            throw new IOException(index + " missing: evaluate the run first (patchmem evaluate --run " + runDir + ")");
        }
        List<JsonNode> all = new ArrayList<>();
        Json.MAPPER.readTree(index.toFile()).path("checkpoints").forEach(all::add);
        if (all.isEmpty()) {
            throw new IOException(index + " lists no evaluated checkpoint");
        }
        return new EvalRecords(runDir, List.copyOf(all));
    }

    /** The result folder of evaluated checkpoint {@code i}. */
    public Path dir(int i) {
        return runDir.resolve("eval").resolve(String.format("step-%07d", checkpoints.get(i).get("step").asInt()));
    }

    /** The newest evaluated checkpoint. */
    public JsonNode last() {
        return checkpoints.get(checkpoints.size() - 1);
    }

    public int lastIndex() {
        return checkpoints.size() - 1;
    }
}
