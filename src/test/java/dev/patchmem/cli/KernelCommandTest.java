package dev.patchmem.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchmem.config.Json;
import dev.patchmem.data.PatchSet;
import dev.patchmem.eval.TestPatchSets;
import dev.patchmem.io.Npy;
import dev.patchmem.io.NpyArray;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelCommandTest {

    @Test
    void writesWeightsAndMeansAndRejectsConditionsOfAnotherShape(@TempDir Path tmp) throws Exception {
        Path dataset = TestPatchSets.small(tmp);
        PatchSet set = PatchSet.load(dataset);
        int n = set.size();
        int dx = set.lr().rowSize();
        float[] cond = java.util.Arrays.copyOfRange(set.lr().data(), 3 * dx, 5 * dx);
        Path file = tmp.resolve("c.npy");
        Npy.write(file, cond, 2, 3, 8, 8);
        Path out = tmp.resolve("k");
        CommandRun run = CommandRun.of("kernel", "--dataset", dataset.toString(), "--conditions", file.toString(),
                "--sigma-aug", "1e-4", "--out", out.toString(), "--block", "100");
        assertEquals(0, run.code(), run.err());
        NpyArray w = Npy.read(out.resolve("weights.npy"));
        assertArrayEquals(new long[] {2, n}, w.shape());
        NpyArray mean = Npy.read(out.resolve("mean.npy"));
        assertArrayEquals(new long[] {2, 3, 16, 16}, mean.shape());
        for (int r = 0; r < 2; r++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                assertTrue(Float.isFinite(w.data()[r * n + i]));
                sum += w.data()[r * n + i];
            }
            assertEquals(1.0, sum, 1e-5);
        }
        JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
        assertEquals(set.info().contentHash(), summary.get("datasetContentHash").asText());
        assertTrue(Files.isRegularFile(out.resolve("provenance.json")));

        Path wrong = tmp.resolve("hr-shaped.npy");
        Npy.write(wrong, new float[3 * 16 * 16], 1, 3, 16, 16);
        CommandRun bad = CommandRun.of("kernel", "--dataset", dataset.toString(), "--conditions", wrong.toString(),
                "--sigma-aug", "0.1", "--out", tmp.resolve("k2").toString());
        assertNotEquals(0, bad.code());
        assertTrue(bad.errorLine().contains(wrong.toString()), bad.err());
        assertTrue(!Files.exists(tmp.resolve("k2")));

        CommandRun badSigma = CommandRun.of("kernel", "--dataset", dataset.toString(), "--conditions",
                file.toString(), "--sigma-aug", "0", "--out", tmp.resolve("k3").toString());
        assertNotEquals(0, badSigma.code());
        assertTrue(badSigma.errorLine().contains("sigma_aug"), badSigma.err());
    }
}
