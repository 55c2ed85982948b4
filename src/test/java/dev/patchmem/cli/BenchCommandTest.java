package dev.patchmem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchmem.config.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code patchmem bench --quick} end to end: every section runs and reports positive, finite figures
 * under the keys bench/run.sh reads. No timing is asserted: speeds depend on the machine and its load.
 */
class BenchCommandTest {

    @TempDir
    Path tmp;

    @Test
    void quickBenchWritesEverySectionWithPositiveFiniteFigures() throws Exception {
        Path out = tmp.resolve("bench.json");
        // One thread: on a machine shared with other jobs, OpenMP's spinning threads make every parallel
        // region wait for a descheduled peer, and this checks the plumbing, not the speed.
        Cli.Result r = Cli.patchmem("bench", "--quick", "--threads", 1, "--out", out);
        assertEquals(0, r.code(), r.err());
        JsonNode j = Json.MAPPER.readTree(out.toFile());

        assertTrue(j.get("quick").asBoolean());
        assertTrue(j.at("/machine/cores").asInt() >= 1);
        assertEquals(1, j.at("/machine/threads").asInt());
        assertTrue(!j.at("/machine/cpuModel").asText().isEmpty());
        assertTrue(j.at("/machine/jvmOptions").isArray());
        // The tiny preset's hand count (UNetTest), the same at every patch size.
        assertEquals(160_707, j.at("/parameters/tiny-p16").asLong());
        assertEquals(160_707, j.at("/parameters/tiny-p32").asLong());
        assertTrue(j.at("/parameters/small-p32").asLong() > 160_707);

        assertEquals(List.of("smoke", "larger"), List.of(j.at("/train/0/name").asText(), j.at("/train/1/name").asText()));
        for (JsonNode t : j.get("train")) {
            positive(t, "stepMs");
            positive(t, "cpuMs");
            positive(t, "parameters");
            // --quick times one step: its phases are consecutive intervals of that step.
            double sum = 0;
            for (String phase : List.of("batch", "forward", "backward", "update")) {
                positive(t.get("phaseMs"), phase);
                sum += t.at("/phaseMs/" + phase).asDouble();
            }
            assertEquals(t.get("stepMs").asDouble(), sum, 1e-6, t.toString());
        }
        for (String s : List.of("ddpm", "ddim")) {
            positive(j.at("/sampler/" + s), "seconds");
            positive(j.at("/sampler/" + s), "patchesPerSecond");
            double memorized = j.at("/memorization/" + s + "/memorizedFraction").asDouble(-1);
            assertTrue(memorized >= 0 && memorized <= 1, s + " memorized fraction " + memorized);
            positive(j.at("/memorization/" + s), "medianRatio");
        }
        positive(j.get("sampler"), "ddimSpeedup");
        positive(j.get("sampler"), "forwardMs");
        for (String k : List.of("distanceGflops", "gemmGflops", "fractionOfGemm", "distanceSeconds", "gemmSeconds")) {
            positive(j.get("distance"), k);
        }
        positive(j, "peakRssMb");
        positive(j, "wallSeconds");
    }

    private static void positive(JsonNode node, String key) {
        JsonNode v = node.get(key);
        assertTrue(v != null && v.isNumber(), key + " missing or not a number in " + node);
        assertTrue(Double.isFinite(v.asDouble()) && v.asDouble() > 0, key + " = " + v);
    }
}
