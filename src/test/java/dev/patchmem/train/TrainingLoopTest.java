package dev.patchmem.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.patchmem.TestData;
import dev.patchmem.config.Json;
import dev.patchmem.config.SampleConfig;
import dev.patchmem.config.StudyConfig;
import dev.patchmem.data.PatchSet;
import dev.patchmem.diffusion.Generate;
import dev.patchmem.diffusion.Sampler;
import dev.patchmem.io.NpyArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingLoopTest {

    @TempDir
    Path tmp;

    @Test
    void aTinyRunLowersItsLossAndMemorizesFourPairs() throws Exception {
        Path data = TestData.patchSet(tmp.resolve("data"), 8, 128, 4);
        StudyConfig cfg = TestData.tinyConfig(data, 8, "model.channels=16", "model.groups=8", "train.steps=400",
                "train.checkpointEvery=400", "train.lr=0.003", "train.sigmaAug=0.1", "train.logEvery=10");
        Path run = tmp.resolve("run");
        try (NDManager m = NDManager.newBaseManager()) {
            PatchTraining job = PatchTraining.open(cfg, data, run, m);
            TrainingLoop.Result r = job.train();
            assertEquals(400, r.steps());
        }
        List<JsonNode> log = Files.readAllLines(run.resolve("metrics.jsonl")).stream().map(TrainingLoopTest::json).toList();
        double first = log.subList(0, 3).stream().mapToDouble(n -> n.get("loss").asDouble()).average().orElseThrow();
        double last = log.subList(log.size() - 3, log.size()).stream().mapToDouble(n -> n.get("loss").asDouble())
                .average().orElseThrow();
        assertTrue(last < first / 5, "loss " + first + " -> " + last);

        PatchSet set = PatchSet.load(data);
        try (NDManager m = NDManager.newBaseManager();
             TrainedModel model = TrainedModel.open(run.resolve("checkpoints/step-0000400"), m, true)) {
            Sampler ddim = Sampler.of(new SampleConfig(SampleConfig.Sampler.DDIM, 20, 0, true, 64), 50);
            NpyArray x = Generate.samples(model.denoiser(), model.schedule(), ddim, set.lr(), 0, new Shape(3, 8, 8), 4,
                    1, 64, m, null);
            for (int s = 0; s < x.rows(); s++) {
                double[] d = distances(x.row(s), set.hr());
                int own = s / 4;
                double other = Double.MAX_VALUE;
                for (int i = 0; i < d.length; i++) {
                    if (i != own) {
                        other = Math.min(other, d[i]);
                    }
                }
                assertTrue(d[own] < other / 3, "sample " + s + ": d(own)=" + d[own] + ", nearest other=" + other);
            }
        }
    }

    @Test
    void stepsAndSamplingLeaveNoArraysBehind() throws Exception {
        Path data = TestData.patchSet(tmp.resolve("data"), 8, 128, 4);
        StudyConfig cfg = TestData.tinyConfig(data, 8, "train.steps=10");
        try (NDManager m = NDManager.newBaseManager()) {
            PatchTraining job = PatchTraining.open(cfg, data, tmp.resolve("run"), m);
            TrainingLoop loop = job.loop();
            loop.step(0);
            int live = m.getManagedArrays().size();
            for (int s = 1; s < 6; s++) {
                loop.step(s);
                assertEquals(live, m.getManagedArrays().size(), "live arrays after step " + s);
            }
            PatchSet set = PatchSet.load(data);
            Sampler ddpm = Sampler.of(new SampleConfig(SampleConfig.Sampler.DDPM, 10, 0, true, 3), 50);
            Generate.samples(job.denoiser(), job.schedule(), ddpm, set.lr(), 0, new Shape(3, 8, 8), 2, 1, 3, m, null);
            assertEquals(live, m.getManagedArrays().size(), "live arrays after sampling");
        }
    }

    static double[] distances(float[] g, NpyArray train) {
        double[] d = new double[train.rows()];
        int n = train.rowSize();
        for (int i = 0; i < d.length; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                double e = g[j] - train.data()[i * n + j];
                s += e * e;
            }
            d[i] = Math.sqrt(s / n);
        }
        return d;
    }

    private static JsonNode json(String line) {
        try {
            return Json.MAPPER.readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError(line, e);
        }
    }
}
