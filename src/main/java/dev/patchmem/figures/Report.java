package dev.patchmem.figures;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchmem.config.Json;
import dev.patchmem.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * report.html: a self-contained page (relative image links, no scripts, no server) with the key
 * numbers, every figure with its caption and data files, the config and the provenance.
 */
public final class Report {

    /** A section of the report: a heading, key numbers, and drawn figures relative to the report. */
    public record Section(String heading, Map<String, String> numbers, List<RunFigure.Drawn> figures, Path base) {
    }

    private Report() {
    }

    /** Writes {@code file} with {@code sections} and the JSON files {@code appendix} (name to file). */
    public static void write(Path file, String title, List<Section> sections, Map<String, Path> appendix)
            throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title))
                .append("</title>\n<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
                        + "color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;"
                        + "text-align:left}img{max-width:100%;border:1px solid #eee;margin:6px 0}figure{margin:1.5em 0}"
                        + "figcaption{color:#444;font-size:0.95em}pre{background:#f6f6f6;padding:1em;overflow:auto;"
                        + "font-size:0.85em}</style></head><body>\n");
        h.append("<h1>").append(esc(title)).append("</h1>\n");
        for (Section s : sections) {
            h.append("<h2>").append(esc(s.heading())).append("</h2>\n");
            if (!s.numbers().isEmpty()) {
                h.append("<table>\n");
                s.numbers().forEach((k, v) -> h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v))
                        .append("</td></tr>\n"));
                h.append("</table>\n");
            }
            for (RunFigure.Drawn f : s.figures()) {
                h.append("<figure><h3>").append(esc(f.title())).append("</h3>\n");
                List<String> data = new ArrayList<>();
                for (Path p : f.files()) {
                    String rel = dir.relativize(p.toAbsolutePath()).toString().replace('\\', '/');
                    if (rel.endsWith(".png")) {
                        h.append("<img src=\"").append(esc(rel)).append("\" alt=\"").append(esc(f.title()))
                                .append("\">\n");
                    } else {
                        data.add("<a href=\"" + esc(rel) + "\">" + esc(p.getFileName().toString()) + "</a>");
                    }
                }
                h.append("<figcaption>").append(esc(f.caption()));
                if (!data.isEmpty()) {
                    h.append(" Data: ").append(String.join(", ", data)).append('.');
                }
                h.append("</figcaption></figure>\n");
            }
        }
        for (Map.Entry<String, Path> e : appendix.entrySet()) {
            if (Files.isRegularFile(e.getValue())) {
                h.append("<h2>").append(esc(e.getKey())).append("</h2>\n<pre>")
                        .append(esc(Files.readString(e.getValue()))).append("</pre>\n");
            }
        }
        h.append("</body></html>\n");
        AtomicFiles.writeString(file, h.toString());
    }

    /** Key numbers of a study run: last checkpoint's memorization per set, TV, r^2, training speed. */
    public static Map<String, String> studyNumbers(EvalRecords rec) throws IOException {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        JsonNode last = rec.last();
        m.put("last evaluated checkpoint", "step " + last.get("step").asInt());
        last.get("sets").fields().forEachRemaining(e -> m.put("memorization ratio, " + e.getKey() + " conditions",
                String.format(Locale.ROOT, "%.3f (%d conditions x %d samples, median d1 %.4f)",
                        e.getValue().get("memorizationRatio").asDouble(), e.getValue().get("conditions").asInt(),
                        e.getValue().get("perCondition").asInt(), e.getValue().get("medianD1").asDouble())));
        JsonNode r = last.path("retrieval");
        if (!r.isMissingNode() && !r.isNull()) {
            m.put("held-out retrieval TV vs P(i | c)", String.format(Locale.ROOT,
                    "%.3f mean over %d conditions (sampling floor %.3f, sigma_aug %.3g)", r.get("tvMean").asDouble(),
                    r.get("conditionsCounted").asInt(), r.get("samplingNoiseTv").asDouble(), r.get("sigmaAug").asDouble()));
        }
        JsonNode r2 = last.path("r2");
        if (!r2.isMissingNode() && !r2.isNull()) {
            m.put("r^2 network vs closed form (median over t)", String.format(Locale.ROOT, "%.3f", r2.get("median").asDouble()));
        }
        Path train = rec.runDir().resolve("train.json");
        if (Files.isRegularFile(train)) {
            JsonNode t = Json.MAPPER.readTree(train.toFile());
            m.put("training", String.format(Locale.ROOT, "%d steps in %.1f s (%.2f steps/s), %,d parameters, N = %d",
                    t.get("steps").asInt(), t.get("wallSeconds").asDouble(), t.get("stepsPerSecond").asDouble(),
                    t.get("parameters").asLong(), t.get("pairs").asInt()));
        }
        return m;
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
