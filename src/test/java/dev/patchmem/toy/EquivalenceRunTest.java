package dev.patchmem.toy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.patchmem.config.ConfigLoader;
import dev.patchmem.config.Json;
import dev.patchmem.io.Npy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short conditional toy run (two training pairs, one new condition with P = (0.77, 0.23)): the
 * retrieval frequencies move towards P(i | c) as training proceeds. The bound is loose: a run this
 * short is not yet fully memorized, and the frequencies it reaches are flatter than P.
 */
class EquivalenceRunTest {

    @TempDir
    Path tmp;

    @Test
    void totalVariationFallsAsTrainingProceeds() throws Exception {
        ToyConfig cfg = ConfigLoader.load(null, ToyConfig.class, ToyConfig.DEFAULT, List.of(
                "mlp.hidden=64", "mlp.layers=2", "diffusion.timesteps=50", "train.steps=1000",
                "train.batchSize=128", "train.lr=0.003", "train.checkpointEvery=250", "train.logEvery=50",
                "sample.batch=2000",
                "equivalence.points=2", "equivalence.sigmaAugs=[0.7]", "equivalence.conditions=[[0.3,0.2]]",
                "equivalence.perCondition=1000", "equivalence.noiseReplicates=50"));
        List<String> lines = new ArrayList<>();
        EquivalenceJob.Result r;
        try (NDManager m = NDManager.newBaseManager()) {
            r = new EquivalenceJob(cfg, tmp, m, lines::add).run();
        }
        EquivalenceJob.SigmaResult s = r.sigmas().get(0);
        assertEquals(List.of(250, 500, 750, 1000), s.steps());
        double first = s.tv().get(0)[0];
        double last = s.lastTv()[0];
        assertTrue(first > 0.1 && last < 0.6 * first && last < 0.1,
                "TV per checkpoint " + s.tv().stream().map(v -> Arrays.toString(v)).toList() + "; " + lines);
        assertTrue(s.closedFormTv()[0] < 0.06, "closed-form floor " + s.closedFormTv()[0]);

        Path eval = tmp.resolve("sigma-0.70/eval/step-0001000");
        assertArrayEquals(new long[] {2, 2}, Npy.shape(eval.resolve("train_src.npy")));
        assertArrayEquals(new long[] {2, 2}, Npy.shape(eval.resolve("train_dst.npy")));
        assertArrayEquals(new long[] {1, 2}, Npy.shape(eval.resolve("conditions.npy")));
        assertArrayEquals(new long[] {1, 1000, 2}, Npy.shape(eval.resolve("samples.npy")));
        JsonNode summary = Json.MAPPER.readTree(eval.resolve("summary.json").toFile());
        assertEquals(0.7, summary.get("sigmaAug").asDouble());
        assertEquals(last, summary.get("conditions").get(0).get("tv").asDouble());
        JsonNode top = Json.MAPPER.readTree(r.summary().toFile());
        assertEquals(4, top.get("sigmas").get(0).get("tv").size());
        assertEquals(0.7, ConfigLoader.parse(tmp.resolve("sigma-0.70/config.json"), ToyConfig.class,
                ToyConfig.DEFAULT).train().sigmaAug());
    }
}
