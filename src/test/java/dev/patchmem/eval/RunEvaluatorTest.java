package dev.patchmem.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchmem.TestData;
import dev.patchmem.cli.Main;
import dev.patchmem.config.Json;
import dev.patchmem.io.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code patchmem evaluate --run}: complete, resumable after SIGKILL, and safe beside a running training. */
class RunEvaluatorTest {

    @TempDir
    Path tmp;

    private Path config(Path data, String... extra) throws Exception {
        List<String> o = new ArrayList<>(List.of("train.steps=6", "train.checkpointEvery=2", "eval.trainConditions=3",
                "eval.heldoutConditions=3", "eval.flatConditions=2", "eval.perCondition=2", "sample.steps=5",
                "eval.r2Times=[5,25]", "train.sigmaAug=0.5"));
        o.addAll(List.of(extra));
        Path f = tmp.resolve("tiny.json");
        Files.writeString(f, Json.text(TestData.tinyConfig(data, 8, o.toArray(String[]::new))));
        return f;
    }

    @Test
    void everyCheckpointIsEvaluatedAndAKilledEvaluationResumesToTheSameResults() throws Exception {
        Path data = TestData.patchSet(tmp.resolve("data"), 8, 64, 12);
        Path config = config(data);
        Path run = tmp.resolve("run");
        assertEquals(0, Main.run("train", "--config", config.toString(), "--run", run.toString()));
        Path copy = tmp.resolve("copy");
        TestData.copyTree(run, copy);

        assertEquals(0, Main.run("evaluate", "--run", run.toString()));
        JsonNode index = Json.MAPPER.readTree(run.resolve("eval/index.json").toFile());
        assertEquals(3, index.get("checkpoints").size());
        JsonNode last = index.get("checkpoints").get(2);
        assertEquals(6, last.get("step").asInt());
        for (JsonNode c : index.get("checkpoints")) {
            double rss = c.get("rssMb").asDouble();     // the evaluator's memory curve, one point per checkpoint
            assertTrue(rss > 50 && rss < 16384, "rssMb " + rss);
        }
        for (String set : List.of("train", "heldout", "flat")) {
            assertTrue(last.get("sets").has(set), set);
            Path dir = run.resolve("eval/step-0000006").resolve(set);
            long m = Npy.shape(dir.resolve("samples.npy"))[0];
            assertEquals(m, Files.readAllLines(dir.resolve("nearest.csv")).size() - 1);
            assertEquals(m, Npy.shape(dir.resolve("histograms.npy"))[0]);
        }
        assertEquals(3, last.get("retrieval").get("tvPerCondition").size());
        assertEquals(2, last.get("r2").get("values").size());

        // The same evaluation, killed with SIGKILL after its first checkpoint, then run again.
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "evaluate", "--run", copy.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("kill.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(copy.resolve("eval/step-0000002/summary.json")) && p.isAlive()
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(100);
        p.destroyForcibly().waitFor();
        assertEquals(0, Main.run("evaluate", "--run", copy.toString()));
        for (String step : List.of("step-0000002", "step-0000004", "step-0000006")) {
            for (String set : List.of("train", "heldout", "flat")) {
                Path a = run.resolve("eval").resolve(step).resolve(set);
                Path b = copy.resolve("eval").resolve(step).resolve(set);
                assertArrayEquals(Npy.read(a.resolve("samples.npy")).data(), Npy.read(b.resolve("samples.npy")).data(),
                        step + "/" + set);
                assertEquals(Files.readString(a.resolve("nearest.csv")), Files.readString(b.resolve("nearest.csv")));
            }
        }
        try (var s = Files.list(copy.resolve("eval"))) {
            assertTrue(s.noneMatch(x -> x.getFileName().toString().startsWith(".")), "no temporary folders left");
        }
    }

    @Test
    void watchEvaluatesBesideARunningTrainingAndStopsAfterTheFinalCheckpoint() throws Exception {
        Path data = TestData.patchSet(tmp.resolve("data"), 8, 64, 12);
        Path config = config(data, "train.steps=8", "train.checkpointEvery=2");
        Path run = tmp.resolve("run");
        CompletableFuture<Integer> training = CompletableFuture.supplyAsync(() ->
                Main.run("train", "--config", config.toString(), "--run", run.toString()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(run.resolve("config.json")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Process watcher = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "evaluate", "--run", run.toString(),
                "--watch", "--poll", "0.2").redirectErrorStream(true).redirectOutput(tmp.resolve("watch.log").toFile())
                .start();
        assertEquals(0, training.get(300, TimeUnit.SECONDS));
        assertTrue(watcher.waitFor(300, TimeUnit.SECONDS), "the watcher stops after the final checkpoint");
        assertEquals(0, watcher.exitValue(), Files.readString(tmp.resolve("watch.log")));
        for (String step : List.of("step-0000002", "step-0000004", "step-0000006", "step-0000008")) {
            assertTrue(Files.exists(run.resolve("eval").resolve(step).resolve("summary.json")), step);
        }
    }
}
