package dev.patchmem.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchmem.config.Json;
import dev.patchmem.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * metrics.jsonl: one JSON object a line. On resume the lines past the resumed step are dropped, so
 * a resumed run's log equals an uninterrupted one's (up to timing fields).
 */
public final class MetricsLog implements AutoCloseable {

    private final Path file;
    private final BufferedWriter out;

    /** Opens {@code file} for appending after keeping only lines whose "step" is at most {@code keepUpTo}. */
    public MetricsLog(Path file, int keepUpTo) throws IOException {
        this.file = file;
        if (Files.exists(file)) {
            List<String> kept = Files.readAllLines(file).stream().filter(l -> stepOf(l) <= keepUpTo).toList();
            AtomicFiles.writeString(file, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
        }
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private static int stepOf(String line) {
        try {
            JsonNode n = Json.MAPPER.readTree(line);
            return n.path("step").asInt(Integer.MAX_VALUE);
        } catch (IOException e) {
            return Integer.MAX_VALUE; // a line cut by a kill
        }
    }

    /** Appends one record and flushes it. */
    public void write(Map<String, Object> record) throws IOException {
        try {
            out.write(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(record));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw AtomicFiles.named(file, e);   // a full disk: name the log, not just the errno
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
