package dev.patchmem.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchmem.TestData;
import dev.patchmem.TestFiles;
import dev.patchmem.cli.Main;
import dev.patchmem.config.Json;
import dev.patchmem.io.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code patchmem evaluate --run} killed with SIGKILL at random moments, several times, ends as an
 * uninterrupted evaluation; {@code --watch} never reads a checkpoint that is not complete yet.
 */
class RunEvaluationKillTest {

    static final List<String> STEPS = List.of("step-0000002", "step-0000004", "step-0000006");
    static final List<String> SETS = List.of("train", "heldout", "flat");

    @TempDir
    static Path tmp;

    /** A trained run, never evaluated. */
    static Path trained;
    /** The same run, evaluated once without interruption. */
    static Path reference;
    /** Seconds an evaluation takes per checkpoint. */
    static double perCheckpoint;

    @BeforeAll
    static void trainAndEvaluateOnce() throws Exception {
        Path data = TestData.patchSet(tmp.resolve("data"), 8, 64, 12);
        Path config = tmp.resolve("tiny.json");
        Files.writeString(config, Json.text(TestData.tinyConfig(data, 8, "train.steps=6", "train.checkpointEvery=2",
                "eval.trainConditions=3", "eval.heldoutConditions=3", "eval.flatConditions=2", "eval.perCondition=2",
                "sample.steps=5", "eval.r2Times=[5,25]", "train.sigmaAug=0.5")));
        trained = tmp.resolve("trained");
        assertEquals(0, Main.run("train", "--config", config.toString(), "--run", trained.toString(), "--device",
                "cpu"));
        reference = tmp.resolve("reference");
        TestFiles.copyTree(trained, reference);
        Path log = tmp.resolve("reference.log");
        Process p = TestFiles.start(evaluate(reference), log);
        // "step N: ..." is printed as each checkpoint's result is written.
        double[] at = TestFiles.lineTimes(p, log, List.of("step 2:", "step 4:", "step 6:"));
        assertEquals(0, p.exitValue(), Files.readString(log));
        perCheckpoint = (at[2] - at[0]) / 2;
    }

    private static List<String> evaluate(Path run, String... more) {
        List<String> args = new ArrayList<>(List.of("evaluate", "--run", run.toString(), "--device", "cpu"));
        args.addAll(List.of(more));
        return TestFiles.patchmem(args.toArray(String[]::new));
    }

    @Test
    void killedAtRandomMomentsSeveralTimesEndsWithTheSameResults() throws Exception {
        Path run = tmp.resolve("killed");
        TestFiles.copyTree(trained, run);
        Random random = new Random(11);
        List<String> landed = new ArrayList<>();
        for (int k = 0; k < 4 && evaluated(run) < STEPS.size(); k++) {
            // Once the process reports progress (JVM and engine started), a random moment of the work
            // left: sampling, distances, writing a result folder, writing the index.
            double work = (STEPS.size() - evaluated(run)) * perCheckpoint;
            int before = evaluated(run);
            Path log = tmp.resolve("kill" + k + ".log");
            Process p = TestFiles.start(evaluate(run), log);
            TestFiles.awaitLine(p, log, "evaluate ");
            boolean ended = p.waitFor((long) (random.nextDouble() * work * 1000), TimeUnit.MILLISECONDS);
            TestFiles.killHard(p);
            landed.add(ended ? "finished" : "after " + (evaluated(run) - before) + " of " + (STEPS.size() - before));
        }
        assertEquals(0, TestFiles.run(evaluate(run), tmp.resolve("last.log"), 600), "kills at " + landed);
        System.out.printf("evaluate --run: %.1f s per checkpoint; kills landed %s%n", perCheckpoint, landed);
        assertSameEvaluation(reference, run, landed.toString());
    }

    @Test
    void watchIgnoresCheckpointsUnderTheirTemporaryNameOrWithoutManifestUntilComplete() throws Exception {
        Path run = tmp.resolve("watched");
        TestFiles.copyTree(trained, run);
        Path checkpoints = run.resolve("checkpoints");
        // Step 4 as a writer without temporary names would leave it mid-write: model.npz cut short and no
        // manifest yet. Step 6 complete but still under the temporary name the trainer writes it under.
        Path manifest4 = checkpoints.resolve("step-0000004/manifest.json");
        Path parked = tmp.resolve("manifest4.json");
        Files.move(manifest4, parked);
        Path hidden6 = checkpoints.resolve(".step-0000006.tmp-424242");
        Files.move(checkpoints.resolve("step-0000006"), hidden6);
        Path model4 = checkpoints.resolve("step-0000004/model.npz");
        byte[] whole4 = Files.readAllBytes(model4);
        Files.write(model4, java.util.Arrays.copyOf(whole4, whole4.length / 3));

        Path log = tmp.resolve("watch.log");
        Process watcher = TestFiles.start(evaluate(run, "--watch", "--poll", "0.2"), log);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (!Files.exists(run.resolve("eval/step-0000002/summary.json")) && watcher.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(1500);   // several polls over the incomplete checkpoints
            assertTrue(watcher.isAlive(), "the watcher keeps waiting: " + Files.readString(log));
            assertEquals(List.of("step-0000002"), evaluatedSteps(run));

            // The trainer completes step 4 (the rest of its files, then the manifest) and renames step 6.
            Files.write(model4, whole4);
            Files.move(parked, manifest4);
            Files.move(hidden6, checkpoints.resolve("step-0000006"));
            assertTrue(watcher.waitFor(300, TimeUnit.SECONDS), "the watcher stops after the final checkpoint");
            assertEquals(0, watcher.exitValue(), Files.readString(log));
        } finally {
            if (watcher.isAlive()) {
                TestFiles.killHard(watcher);
            }
        }
        assertSameEvaluation(reference, run, "watch");
    }

    static void assertSameEvaluation(Path a, Path b, String context) throws Exception {
        assertEquals(STEPS, evaluatedSteps(b), context);
        for (String step : STEPS) {
            Path ea = a.resolve("eval").resolve(step);
            Path eb = b.resolve("eval").resolve(step);
            assertEquals(summary(ea), summary(eb), step + " (" + context + ")");
            for (String set : SETS) {
                for (String f : List.of("samples.npy", "histograms.npy")) {
                    assertArrayEquals(Npy.read(ea.resolve(set).resolve(f)).data(),
                            Npy.read(eb.resolve(set).resolve(f)).data(), step + "/" + set + "/" + f + ", " + context);
                }
                assertEquals(Files.readString(ea.resolve(set).resolve("nearest.csv")),
                        Files.readString(eb.resolve(set).resolve("nearest.csv")), step + "/" + set);
            }
        }
        JsonNode index = Json.MAPPER.readTree(b.resolve("eval/index.json").toFile());
        assertEquals(STEPS.size(), index.get("checkpoints").size(), "index.json lists every checkpoint");
        assertTrue(Files.isRegularFile(b.resolve("eval/step-0000006/heldout/weights.npy")));
    }

    private static JsonNode summary(Path dir) throws Exception {
        ObjectNode n = (ObjectNode) Json.MAPPER.readTree(dir.resolve("summary.json").toFile());
        n.remove(List.of("seconds", "rssMb", "checkpoint"));   // wall time, memory and the run folder's path
        return n;
    }

    static List<String> evaluatedSteps(Path run) throws Exception {
        Path eval = run.resolve("eval");
        if (!Files.isDirectory(eval)) {
            return List.of();
        }
        try (var s = Files.list(eval)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("summary.json")))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static int evaluated(Path run) throws Exception {
        return evaluatedSteps(run).size();
    }
}
