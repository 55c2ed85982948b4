package dev.patchmem.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {

    @TempDir
    static Path tmp;

    private static Path dataset;
    private static PatchSet set;

    @BeforeAll
    static void data() throws Exception {
        dataset = TestPatchSets.small(tmp);
        set = PatchSet.load(dataset);
    }

    /** Rows {@code k} of the training HR patches, the first {@code copies} exact, the rest shifted by 0.3. */
    private static Path samples(String name, int copies, int... k) throws Exception {
        int d = set.hr().rowSize();
        float[] data = new float[k.length * d];
        for (int r = 0; r < k.length; r++) {
            for (int j = 0; j < d; j++) {
                data[r * d + j] = set.hr().data()[k[r] * d + j] + (r < copies ? 0 : 0.3f);
            }
        }
        Path file = tmp.resolve(name);
        Npy.write(file, data, k.length, 3, 16, 16);
        return file;
    }

    @Test
    void writesTheResultFolder() throws Exception {
        Path file = samples("s.npy", 2, 5, 9, 11);
        Path out = tmp.resolve("ev");
        CommandRun run = CommandRun.of("evaluate", "--samples", file.toString(), "--dataset", dataset.toString(),
                "--out", out.toString(), "--bins", "32", "--raw", "0,2");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.err().contains("pairs/s"), "progress line on stderr");
        List<String> csv = Files.readAllLines(out.resolve("nearest.csv"));
        assertEquals("sample,i1,d1,i2,d2,ratio,memorized", csv.get(0));
        assertEquals(4, csv.size());
        assertTrue(csv.get(1).startsWith("0,5,0.0"), csv.get(1));
        assertTrue(csv.get(1).endsWith(",1"), csv.get(1));
        assertTrue(csv.get(2).startsWith("1,9,0.0"), csv.get(2));
        NpyArray hist = Npy.read(out.resolve("histograms.npy"));
        assertArrayEquals(new long[] {3, 32}, hist.shape());
        float sum = 0;
        for (int k = 0; k < 32; k++) {
            sum += hist.data()[k];
        }
        assertEquals(set.size(), sum);
        assertArrayEquals(new long[] {33}, Npy.read(out.resolve("bins.npy")).shape());
        assertArrayEquals(new long[] {2, set.size()}, Npy.read(out.resolve("raw.npy")).shape());
        JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
        assertEquals(3, summary.get("samples").asInt());
        assertEquals(set.size(), summary.get("pairs").asInt());
        assertEquals(768, summary.get("dimension").asInt());
        assertEquals(set.info().contentHash(), summary.get("datasetContentHash").asText());
        assertEquals(64, summary.get("samplesSha256").asText().length());
        assertTrue(summary.get("binRule").asText().contains("last bin"));
        assertTrue(Files.isRegularFile(out.resolve("provenance.json")));
        assertFalse(Files.list(tmp).anyMatch(p -> p.getFileName().toString().startsWith(".ev")));
    }

    @Test
    void samplesOfAnotherShapeAreAOneLineErrorNamingTheFile() throws Exception {
        Path file = tmp.resolve("wrong.npy");
        Npy.write(file, new float[2 * 3 * 8 * 8], 2, 3, 8, 8);
        CommandRun run = CommandRun.of("evaluate", "--samples", file.toString(), "--dataset", dataset.toString(),
                "--out", tmp.resolve("bad1").toString());
        assertNotEquals(0, run.code());
        assertTrue(run.errorLine().contains(file.toString()) && run.errorLine().contains("shape"), run.err());
        assertFalse(Files.exists(tmp.resolve("bad1")));
    }

    @Test
    void nanInSamplesIsAnError() throws Exception {
        float[] data = new float[3 * 16 * 16];
        data[100] = Float.NaN;
        Path file = tmp.resolve("nan.npy");
        Npy.write(file, data, 1, 3, 16, 16);
        CommandRun run = CommandRun.of("evaluate", "--samples", file.toString(), "--dataset", dataset.toString(),
                "--out", tmp.resolve("bad2").toString());
        assertNotEquals(0, run.code());
        assertTrue(run.errorLine().contains(file.toString()) && run.errorLine().contains("NaN"), run.err());
    }

    @Test
    void missingAndCorruptFilesAreErrorsNamingTheFile() throws Exception {
        Path missing = tmp.resolve("none.npy");
        CommandRun run = CommandRun.of("evaluate", "--samples", missing.toString(), "--dataset", dataset.toString(),
                "--out", tmp.resolve("bad3").toString());
        assertNotEquals(0, run.code());
        assertTrue(run.errorLine().contains(missing.toString()), run.err());

        Path good = samples("cut.npy", 1, 0);
        byte[] bytes = Files.readAllBytes(good);
        Files.write(good, Arrays.copyOf(bytes, bytes.length - 10));
        run = CommandRun.of("evaluate", "--samples", good.toString(), "--dataset", dataset.toString(),
                "--out", tmp.resolve("bad4").toString());
        assertNotEquals(0, run.code());
        assertTrue(run.errorLine().contains(good.toString()), run.err());
        assertEquals(1, run.errorLine().lines().count());

        run = CommandRun.of("evaluate", "--samples", samples("ok.npy", 1, 0).toString(), "--dataset",
                tmp.resolve("nodata").toString(), "--out", tmp.resolve("bad5").toString());
        assertNotEquals(0, run.code());
        assertTrue(run.errorLine().contains("nodata"), run.err());
    }

    @Test
    void theSamplesFormNeedsAllThreeOptions() {
        CommandRun run = CommandRun.of("evaluate", "--samples", "x.npy");
        assertEquals(2, run.code());
        assertTrue(run.errorLine().contains("--dataset"), run.err());
    }
}
