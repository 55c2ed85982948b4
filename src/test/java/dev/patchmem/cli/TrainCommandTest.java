package dev.patchmem.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchmem.TestData;
import dev.patchmem.config.Json;
import dev.patchmem.io.Npy;
import dev.patchmem.io.NpyArray;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code patchmem train} and {@code patchmem sample} on bad input, through the real entry point. */
class TrainCommandTest {

    @TempDir
    static Path tmp;

    static Path data;
    static Path config;
    static Path run;

    @BeforeAll
    static void trainTiny() throws Exception {
        data = TestData.patchSet(tmp.resolve("data"), 8, 128, 4);
        config = tmp.resolve("tiny.json");
        Files.writeString(config, Json.text(TestData.tinyConfig(data, 8, "train.steps=4", "train.checkpointEvery=2")));
        run = tmp.resolve("run");
        Cli.Result r = Cli.patchmem("train", "--config", config, "--run", run, "--device", "cpu");
        assertEquals(0, r.code(), r.err());
    }

    private static void assertOneLineError(Cli.Result r, String... culprits) {
        assertNotEquals(0, r.code());
        List<String> lines = r.errorLines();
        assertEquals(1, lines.size(), "one line expected: " + r.err());
        for (String c : culprits) {
            assertTrue(lines.get(0).contains(c), "'" + lines.get(0) + "' should name " + c);
        }
    }

    @Test
    void dryRunPrintsTheResolvedConfigAndTrainsNothing() {
        Path other = tmp.resolve("dry");
        Cli.Result r = Cli.patchmem("train", "--config", config, "--run", other, "--set", "train.steps=77", "--dry-run");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"steps\" : 77"), r.out());
        assertTrue(Files.notExists(other));
    }

    @Test
    void missingDatasetIsNamed() {
        Path missing = tmp.resolve("no-such-data");
        assertOneLineError(Cli.patchmem("train", "--config", config, "--run", tmp.resolve("r1"), "--set",
                "data.dir=" + missing), missing.toString());
    }

    @Test
    void patchSizeDisagreeingWithTheConfigIsNamed() {
        assertOneLineError(Cli.patchmem("train", "--config", config, "--run", tmp.resolve("r2"), "--set",
                "data.patch=16"), "hr.npy", "data.patch");
    }

    @Test
    void anExistingRunNeedsResume() {
        assertOneLineError(Cli.patchmem("train", "--config", config, "--run", run), run.toString(), "--resume");
    }

    @Test
    void resumeOfAFinishedRunIsANoOp() {
        Cli.Result r = Cli.patchmem("train", "--run", run, "--resume", "--device", "cpu");
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void aDivergingLossStopsNamingTheStepAndKeepsTheLastCheckpoint() throws Exception {
        Path diverging = tmp.resolve("diverging");
        Cli.Result r = Cli.patchmem("train", "--config", config, "--run", diverging, "--device", "cpu", "--set",
                "train.steps=20", "--set", "train.checkpointEvery=1", "--set", "train.lr=1e30", "--set",
                "train.warmupSteps=0", "--set", "train.clipGradNorm=0");
        assertOneLineError(r, "loss is", "at step");
        java.util.Optional<Path> last = dev.patchmem.train.Checkpoint.latest(diverging.resolve("checkpoints"));
        assertTrue(last.isPresent(), "checkpoints before the divergence are kept");
        dev.patchmem.train.Checkpoint ck = dev.patchmem.train.Checkpoint.open(last.get());
        String failed = r.errorLines().get(0).replaceAll(".*at step (\\d+).*", "$1");
        assertEquals(Integer.parseInt(failed) - 1, ck.state().step(), "the last checkpoint is the step before");
        for (dev.patchmem.io.NpyArray a : ck.model().values()) {
            for (float v : a.data()) {
                assertTrue(Float.isFinite(v), "checkpointed weights are finite");
            }
        }
    }

    @Test
    void corruptOrMissingCheckpointFilesAreNamedOnResumeAndSample() throws Exception {
        for (String file : List.of("model.npz", "optimizer.npz", "ema.npz")) {
            for (boolean truncate : new boolean[] {true, false}) {
                Path copy = tmp.resolve("broken-" + file + "-" + truncate);
                TestData.copyTree(run, copy);
                Path victim = copy.resolve("checkpoints/step-0000004").resolve(file);
                if (truncate) {
                    try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
                        f.setLength(f.length() / 2);
                    }
                } else {
                    Files.delete(victim);
                }
                assertOneLineError(Cli.patchmem("train", "--run", copy, "--resume", "--device", "cpu"),
                        victim.toString());
                Path conds = copy.resolve("conds.npy");
                Npy.write(conds, new NpyArray(new long[] {1, 3, 4, 4}, new float[48]));
                assertOneLineError(Cli.patchmem("sample", "--checkpoint", copy.resolve("checkpoints/step-0000004"),
                        "--conditions", conds, "--per-condition", 1, "--seed", 0, "--out", copy.resolve("s.npy")),
                        victim.toString());
            }
        }
    }

    @Test
    void sampleChecksTheConditionShapeAndIsBatchIndependent() throws Exception {
        Path ck = run.resolve("checkpoints/step-0000004");
        Path bad = tmp.resolve("bad-conds.npy");
        Npy.write(bad, new NpyArray(new long[] {2, 3, 8, 8}, new float[384]));
        assertOneLineError(Cli.patchmem("sample", "--checkpoint", ck, "--conditions", bad, "--per-condition", 1,
                "--seed", 0, "--out", tmp.resolve("x.npy")), bad.toString());

        Path conds = data.resolve("lr.npy");
        Path a = tmp.resolve("a.npy");
        Path b = tmp.resolve("b.npy");
        for (Object[] v : new Object[][] {{a, 1}, {b, 5}}) {
            Cli.Result r = Cli.patchmem("sample", "--checkpoint", ck, "--conditions", conds, "--per-condition", 3,
                    "--seed", 9, "--out", v[0], "--batch", v[1], "--sampler", "ddim", "--eta", "1", "--steps", "10");
            assertEquals(0, r.code(), r.err());
        }
        NpyArray x = Npy.read(a);
        NpyArray y = Npy.read(b);
        assertArrayEquals(new long[] {12, 3, 8, 8}, x.shape());
        // Same noise per sample whatever the batch; the network's float arithmetic may differ in the
        // last bits between batch sizes.
        assertArrayEquals(x.data(), y.data(), 1e-5f);
        assertTrue(maxAbsDiff(x.row(0), x.row(1)) > 1e-3, "two samples of one condition differ");
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
