package dev.patchmem.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchmem.TestData;
import dev.patchmem.TestFiles;
import dev.patchmem.config.Json;
import dev.patchmem.io.AtomicFiles;
import dev.patchmem.io.Npz;
import dev.patchmem.train.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up and a run folder that cannot be written: a clear one-line error, and the
 * checkpoints written before stay whole. Tests run as root, where chmod stops nothing, so the
 * failures are made in ways that hold for root: a file-size limit (ulimit -f: writes fail as on a
 * full disk, with EFBIG instead of ENOSPC), the immutable attribute (chattr +i, where the file
 * system and the capabilities allow it), and a file where a folder must go.
 */
class DiskFailureTest {

    @TempDir
    static Path tmp;

    static Path reference;

    @BeforeAll
    static void trainEightSteps() throws Exception {
        Path data = TestData.patchSet(tmp.resolve("data"), 8, 64, 12);
        Path config = tmp.resolve("tiny.json");
        Files.writeString(config, Json.text(TestData.tinyConfig(data, 8, "train.steps=8", "train.checkpointEvery=2",
                "eval.trainConditions=2", "eval.heldoutConditions=2", "eval.flatConditions=1", "eval.perCondition=1",
                "sample.steps=3", "eval.r2Times=[5]")));
        reference = tmp.resolve("reference");
        assertEquals(0, TestFiles.run(TestFiles.patchmem("train", "--config", config.toString(), "--run",
                reference.toString(), "--device", "cpu"), tmp.resolve("reference.log"), 600));
    }

    /** The reference run as it stood after step 4: checkpoints 2 and 4. */
    private static Path runAtStepFour(String name) throws Exception {
        Path run = tmp.resolve(name);
        TestFiles.copyTree(reference, run);
        for (int step : new int[] {6, 8}) {
            AtomicFiles.deleteTree(run.resolve("checkpoints").resolve(Checkpoint.name(step)));
        }
        Files.delete(run.resolve("train.json"));
        return run;
    }

    private static List<String> train(Path run) {
        return TestFiles.patchmem("train", "--run", run.toString(), "--resume", "--device", "cpu");
    }

    private static String errorLine(Cli.Result r) {
        assertNotEquals(0, r.code(), r.err());
        assertEquals(1, r.errorLines().size(), "one line: " + r.err());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
        return r.errorLines().get(0);
    }

    private static String errorLine(Path log, int code) throws Exception {
        String text = Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertNotEquals(0, code, text);
        List<String> lines = text.lines().filter(l -> l.startsWith("patchmem ")).toList();
        assertEquals(1, lines.size(), "one line: " + text);
        assertTrue(!text.contains("\tat "), "no stack trace: " + text);
        return lines.get(0);
    }

    private static void assertEarlierCheckpointsWhole(Path run) throws Exception {
        for (int step : new int[] {2, 4}) {
            Path ck = run.resolve("checkpoints").resolve(Checkpoint.name(step));
            Checkpoint.open(ck);   // every checksum verified
            assertArrayEquals(Files.readAllBytes(reference.resolve("checkpoints").resolve(ck.getFileName())
                    .resolve("model.npz")), Files.readAllBytes(ck.resolve("model.npz")));
        }
        assertTrue(Files.notExists(run.resolve("checkpoints").resolve(Checkpoint.name(6))), "no partial step 6");
    }

    @Test
    void aWriteFailingMidCheckpointNamesTheFileKeepsEarlierCheckpointsAndAResumeEndsAsUninterrupted()
            throws Exception {
        Path run = runAtStepFour("full");
        // A limit between the sizes of model.npz and optimizer.npz: step 6 fails halfway through its folder.
        long model = Files.size(run.resolve("checkpoints/step-0000004/model.npz"));
        long blocks = model * 3 / 2 / 1024;
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "ulimit -f " + blocks + " && exec \"$@\"", "bash"));
        cmd.addAll(train(run));
        Path log = tmp.resolve("full.log");
        String line = errorLine(log, TestFiles.run(cmd, log, 600));
        assertTrue(line.contains("optimizer.npz") && line.contains("step-0000006") && line.contains("cannot write"),
                line);
        assertEarlierCheckpointsWhole(run);
        assertEquals(List.of(), TestFiles.temporaries(run.resolve("checkpoints")), "the half-written folder is gone");

        // Space again: the resume ends exactly where an uninterrupted run ends.
        assertEquals(0, TestFiles.run(train(run), tmp.resolve("full-resume.log"), 600));
        for (String f : List.of("model.npz", "ema.npz", "optimizer.npz")) {
            assertEquals(Npz.read(reference.resolve("checkpoints/step-0000008").resolve(f)),
                    Npz.read(run.resolve("checkpoints/step-0000008").resolve(f)), f);
        }
    }

    @Test
    void aReadOnlyRunFolderIsAOneLineErrorAndLeavesItsCheckpointsWhole() throws Exception {
        Path run = runAtStepFour("readonly");
        Path checkpoints = run.resolve("checkpoints");
        Assumptions.assumeTrue(chattr("+i", checkpoints), "chattr +i is not available here");
        try {
            String line = errorLine(Cli.patchmem("train", "--run", run, "--resume", "--device", "cpu"));
            assertTrue(line.contains(checkpoints.toString()) && line.contains("step-0000006"), line);
            assertEarlierCheckpointsWhole(run);

            assertTrue(chattr("+i", run), "chattr +i on the run folder");
            line = errorLine(Cli.patchmem("evaluate", "--run", run, "--device", "cpu"));
            assertTrue(line.contains(run.resolve("eval").toString()), line);
        } finally {
            chattr("-i", run);
            chattr("-i", checkpoints);
        }
        assertEarlierCheckpointsWhole(run);
    }

    @Test
    void aFileWhereTheEvaluationFolderBelongsIsNamed() throws Exception {
        Path run = runAtStepFour("blocked");
        Files.writeString(run.resolve("eval"), "not a folder");
        String line = errorLine(Cli.patchmem("evaluate", "--run", run, "--device", "cpu"));
        assertTrue(line.contains(run.resolve("eval") + ": exists and is not a folder"), line);
        assertEarlierCheckpointsWhole(run);
    }

    private static boolean chattr(String flag, Path p) {
        try {
            Process c = new ProcessBuilder("chattr", flag, p.toString()).redirectErrorStream(true).start();
            c.getInputStream().readAllBytes();
            return c.waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
