package dev.patchmem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchmem.TestData;
import dev.patchmem.TestFiles;
import dev.patchmem.config.Json;
import dev.patchmem.data.PatchSet;
import dev.patchmem.eval.ConditionSet;
import dev.patchmem.io.Npy;
import dev.patchmem.io.NpyArray;
import dev.patchmem.io.NpyFormatException;
import dev.patchmem.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Single flipped bits (not only truncation) in checkpoints, patch sets and evaluation inputs are
 * detected with a one-line error naming the file, and never loaded silently.
 */
class CorruptionTest {

    @TempDir
    static Path tmp;

    static Path data;
    static Path run;
    static Path ck;

    @BeforeAll
    static void trainTiny() throws Exception {
        data = TestData.patchSet(tmp.resolve("data"), 8, 64, 12);
        Path config = tmp.resolve("tiny.json");
        Files.writeString(config, Json.text(TestData.tinyConfig(data, 8, "train.steps=2", "train.checkpointEvery=2",
                "eval.trainConditions=2", "eval.heldoutConditions=2", "eval.flatConditions=1", "eval.perCondition=1",
                "sample.steps=3", "eval.r2Times=[5]")));
        run = tmp.resolve("run");
        Cli.Result r = Cli.patchmem("train", "--config", config, "--run", run, "--device", "cpu");
        assertEquals(0, r.code(), r.err());
        ck = run.resolve("checkpoints").resolve(Checkpoint.name(2));
    }

    static void assertOneLineError(Cli.Result r, String... culprits) {
        assertNotEquals(0, r.code());
        List<String> lines = r.errorLines();
        assertEquals(1, lines.size(), "one line expected: " + r.err());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
        for (String c : culprits) {
            assertTrue(lines.get(0).contains(c), "'" + lines.get(0) + "' should name " + c);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"model.npz", "ema.npz", "optimizer.npz", "state.json", "config.json", "manifest.json"})
    void aFlippedBitInAnyCheckpointFileIsNamed(String file) throws Exception {
        Random random = new Random(file.hashCode());
        for (int trial = 0; trial < 4; trial++) {
            Path copy = tmp.resolve("flip-" + file + "-" + trial);
            TestFiles.copyTree(run, copy);
            Path victim = copy.resolve("checkpoints").resolve(ck.getFileName()).resolve(file);
            long bit = (long) (random.nextDouble() * Files.size(victim) * 8);
            TestFiles.flipBit(victim, bit);
            // A flip inside a hash in the manifest names the file that no longer matches it.
            String culprit = file.equals("manifest.json") ? ck.getFileName().toString() : victim.toString();
            IOException e = assertThrows(IOException.class, () -> Checkpoint.open(victim.getParent()),
                    "bit " + bit + " of " + victim);
            assertTrue(e.getMessage().contains(culprit) && e.getMessage().lines().count() == 1,
                    "bit " + bit + ": " + e.getMessage());
            if (trial == 0) {
                assertOneLineError(Cli.patchmem("train", "--run", copy, "--resume", "--device", "cpu"), culprit);
                assertOneLineError(Cli.patchmem("sample", "--checkpoint", victim.getParent(), "--conditions",
                        data.resolve("lr.npy"), "--per-condition", 1, "--seed", 0, "--out", copy.resolve("s.npy"),
                        "--device", "cpu"), culprit);
                assertOneLineError(Cli.patchmem("evaluate", "--run", copy, "--device", "cpu"), culprit);
                assertTrue(Files.notExists(copy.resolve("s.npy")), "no samples");
                assertTrue(Files.notExists(copy.resolve("eval/step-0000002")), "no evaluation");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hr.npy", "lr.npy", "heldout/hr.npy", "heldout/lr.npy"})
    void aFlippedBitAmongThePatchValuesIsCaughtByTheContentHash(String file) throws Exception {
        Path copy = tmp.resolve("set-" + file.replace('/', '-'));
        TestFiles.copyTree(data, copy);
        Path victim = copy.resolve(file);
        long header = Files.size(victim) - 4 * java.util.Arrays.stream(Npy.shape(victim)).reduce(1, (x, y) -> x * y);
        // The lowest mantissa bit of a value in the middle: a change no header or range check can see.
        long bit = 8 * (header + 4 * ((Files.size(victim) - header) / 8));
        TestFiles.flipBit(victim, bit);
        String culprit = victim.getParent().resolve("hr.npy").toString();
        IOException e = assertThrows(IOException.class, () -> PatchSet.load(victim.getParent()));
        assertTrue(e.getMessage().contains(culprit) && e.getMessage().contains("lr.npy")
                && e.getMessage().contains("contentHash"), e.getMessage());

        if (!file.startsWith("heldout")) {
            Path conds = tmp.resolve("conds-" + file.replace('/', '-') + ".npy");
            Npy.write(conds, ConditionSet.rows(PatchSet.load(data).lr(), new int[] {0, 1}));
            assertOneLineError(Cli.patchmem("kernel", "--dataset", copy, "--conditions", conds, "--sigma-aug", "0.1",
                    "--out", tmp.resolve("k-" + file)), culprit);
            assertOneLineError(Cli.patchmem("evaluate", "--samples", data.resolve("hr.npy"), "--dataset", copy,
                    "--out", tmp.resolve("e-" + file)), culprit);
            Path cfg = tmp.resolve("cfg-" + file + ".json");
            Files.writeString(cfg, Json.text(TestData.tinyConfig(copy, 8, "train.steps=2")));
            assertOneLineError(Cli.patchmem("train", "--config", cfg, "--run", tmp.resolve("r-" + file), "--device",
                    "cpu"), culprit);
        }
        Path runCopy = tmp.resolve("run-" + file.replace('/', '-'));
        TestFiles.copyTree(run, runCopy);
        String cfgText = Files.readString(runCopy.resolve("config.json"));
        Files.writeString(runCopy.resolve("config.json"), cfgText.replace(data.toString(), copy.toString()));
        assertOneLineError(Cli.patchmem("evaluate", "--run", runCopy, "--device", "cpu"), culprit);
    }

    /**
     * Every single-bit flip in the header of an .npy (magic, version, length, the dict) is either an
     * error naming the file or leaves the array exactly as it was (a flip in padding).
     */
    @Test
    void everyFlippedHeaderBitOfAnEvaluationInputIsAnErrorOrHarmless() throws Exception {
        NpyArray samples = new NpyArray(new long[] {2, 3, 8, 8}, new float[2 * 3 * 8 * 8]);
        for (int i = 0; i < samples.data().length; i++) {
            samples.data()[i] = (float) Math.sin(i);
        }
        Path good = tmp.resolve("samples.npy");
        Npy.write(good, samples);
        int headerBytes = Npy.header(samples.shape()).length;
        Path victim = tmp.resolve("flipped.npy");
        int errors = 0;
        for (long bit = 0; bit < headerBytes * 8L; bit++) {
            Files.copy(good, victim, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            TestFiles.flipBit(victim, bit);
            try {
                assertEquals(samples, Npy.read(victim), "bit " + bit + " changed the array without an error");
            } catch (NpyFormatException e) {
                assertTrue(e.getMessage().startsWith(victim.toString()) && e.getMessage().lines().count() == 1,
                        e.getMessage());
                errors++;
            }
        }
        assertTrue(errors > headerBytes * 2, errors + " of " + headerBytes * 8 + " flips were errors");

        Path flipped = tmp.resolve("flipped-cli.npy");
        Files.copy(good, flipped);
        TestFiles.flipBit(flipped, 8 * 12 + 1);   // inside 'descr'
        assertOneLineError(Cli.patchmem("evaluate", "--samples", flipped, "--dataset", data, "--out",
                tmp.resolve("never")), flipped.toString());
        assertTrue(Files.notExists(tmp.resolve("never")));
    }
}
