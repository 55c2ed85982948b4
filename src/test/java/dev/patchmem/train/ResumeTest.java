package dev.patchmem.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchmem.TestData;
import dev.patchmem.cli.Main;
import dev.patchmem.config.Json;
import dev.patchmem.config.StudyConfig;
import dev.patchmem.io.NpyArray;
import dev.patchmem.io.Npz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A training process killed with SIGKILL and resumed ends bit-identical to one never interrupted. */
class ResumeTest {

    @TempDir
    Path tmp;

    @Test
    void killedAndResumedRunEqualsAnUninterruptedOne() throws Exception {
        Path data = TestData.patchSet(tmp.resolve("data"), 8, 128, 6);
        StudyConfig cfg = TestData.tinyConfig(data, 8, "train.steps=60", "train.checkpointEvery=10");
        Path config = tmp.resolve("tiny.json");
        Files.writeString(config, Json.text(cfg));

        Path reference = tmp.resolve("reference");
        assertEquals(0, Main.run("train", "--config", config.toString(), "--run", reference.toString(),
                "--device", "cpu"));

        Path killed = tmp.resolve("killed");
        Random random = new Random(42);
        List<String> cmd = javaCommand("train", "--config", config.toString(), "--run", killed.toString(),
                "--device", "cpu");
        for (int kill = 0; kill < 3; kill++) {
            Process p = new ProcessBuilder(kill == 0 ? cmd : withResume(cmd)).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("kill" + kill + ".log").toFile()).start();
            int target = 10 * (kill + 2);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Checkpoint.isComplete(killed.resolve("checkpoints").resolve(Checkpoint.name(target)))
                    && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(random.nextInt(150));   // land anywhere: mid-step, mid-checkpoint, mid-log
            p.destroyForcibly().waitFor();
            assertTrue(Files.exists(killed.resolve("checkpoints").resolve(Checkpoint.name(target))),
                    "process " + kill + " reached step " + target + ": " + Files.readString(tmp.resolve("kill" + kill + ".log")));
        }
        assertEquals(0, Main.run("train", "--config", config.toString(), "--run", killed.toString(), "--resume",
                "--device", "cpu"));

        for (String f : List.of("model.npz", "ema.npz", "optimizer.npz")) {
            Map<String, NpyArray> a = Npz.read(reference.resolve("checkpoints/step-0000060").resolve(f));
            Map<String, NpyArray> b = Npz.read(killed.resolve("checkpoints/step-0000060").resolve(f));
            assertEquals(a.keySet(), b.keySet());
            for (String k : a.keySet()) {
                assertEquals(a.get(k), b.get(k), f + " " + k + " differs after kill and resume");
            }
        }
        assertEquals(losses(reference), losses(killed));
    }

    private static List<String> losses(Path run) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            var n = Json.MAPPER.readTree(line);
            out.add(n.get("step").asInt() + ":" + n.get("loss").asText() + ":" + n.get("gradNorm").asText());
        }
        return out;
    }

    private static List<String> withResume(List<String> cmd) {
        List<String> c = new ArrayList<>(cmd);
        c.add("--resume");
        return c;
    }

    static List<String> javaCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
