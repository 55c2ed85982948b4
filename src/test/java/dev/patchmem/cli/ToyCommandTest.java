package dev.patchmem.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchmem.config.Json;
import dev.patchmem.io.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code patchmem toy} through the real entry point on tiny configs that run in seconds. */
class ToyCommandTest {

    @TempDir
    Path tmp;

    /** A small, fast setting shared by the runs below. */
    private static final List<String> TINY = List.of("mlp.hidden=32", "mlp.layers=2", "mlp.timeEmbedding=8",
            "diffusion.timesteps=20", "train.batchSize=64", "train.warmupSteps=5", "train.logEvery=10",
            "sample.batch=1000");

    private Cli.Result toy(String experiment, Path run, String... overrides) throws Exception {
        Path empty = tmp.resolve("empty.json");
        Files.writeString(empty, "{}");
        List<Object> args = new ArrayList<>(List.of("toy", experiment, "--config", empty, "--run", run, "--device",
                "cpu"));
        for (String o : TINY) {
            args.addAll(List.of("--set", o));
        }
        for (String o : overrides) {
            args.addAll(List.of("--set", o));
        }
        return DataCommandTest.patchmem(args.toArray());
    }

    @Test
    void phasesWritesEveryCheckpointsEvaluationAndARerunSkipsThem() throws Exception {
        Path run = tmp.resolve("phases");
        Cli.Result r = toy("phases", run, "train.steps=40", "train.checkpointEvery=20", "phases.samples=300",
                "phases.freshSamples=1000");
        assertEquals(0, r.code(), r.err());
        for (String step : List.of("step-0000020", "step-0000040")) {
            Path e = run.resolve("eval").resolve(step);
            assertArrayEquals(new long[] {16, 2}, Npy.shape(e.resolve("train_dst.npy")));
            assertArrayEquals(new long[] {1, 300, 2}, Npy.shape(e.resolve("samples.npy")));
            JsonNode s = Json.MAPPER.readTree(e.resolve("summary.json").toFile());
            assertEquals(Integer.parseInt(step.substring(5)), s.get("step").asInt());
            assertTrue(s.get("meanLogLikelihood").isDouble() && s.get("memorizedFraction").isDouble());
        }
        JsonNode top = Json.MAPPER.readTree(run.resolve("summary.json").toFile());
        assertEquals("[20,40]", top.get("steps").toString());
        assertEquals(2, top.get("phase").size());
        assertTrue(Files.exists(run.resolve("provenance.json")) && Files.exists(run.resolve("config.json")));

        FileTime before = Files.getLastModifiedTime(run.resolve("eval/step-0000020/summary.json"));
        Cli.Result again = toy("phases", run, "train.steps=40", "train.checkpointEvery=20", "phases.samples=300",
                "phases.freshSamples=1000");
        assertEquals(0, again.code(), again.err());
        assertEquals(before, Files.getLastModifiedTime(run.resolve("eval/step-0000020/summary.json")));
        assertTrue(!again.err().contains("phases step-"), "nothing re-evaluated: " + again.err());

        Cli.Result changed = toy("phases", run, "train.steps=40", "train.checkpointEvery=20", "phases.samples=301");
        assertEquals(1, changed.code());
        assertTrue(changed.err().contains("holds a different config"), changed.err());
    }

    @Test
    void dryRunPrintsTheResolvedConfigAndBadInputIsAOneLineError() throws Exception {
        Cli.Result dry = DataCommandTest.patchmem("toy", "equivalence", "--dry-run", "--set", "equivalence.points=6");
        assertEquals(0, dry.code(), dry.err());
        assertEquals(6, Json.MAPPER.readTree(dry.out()).path("equivalence").path("points").asInt());

        Cli.Result unknown = DataCommandTest.patchmem("toy", "spirals");
        assertEquals(2, unknown.code());
        Cli.Result badKey = DataCommandTest.patchmem("toy", "phases", "--dry-run", "--set", "phases.pointz=3");
        assertEquals(1, badKey.code());
        assertTrue(badKey.err().startsWith("patchmem toy: ") && badKey.err().contains("phases.pointz"), badKey.err());
        assertEquals(1, badKey.err().strip().lines().count(), badKey.err());
    }
}
