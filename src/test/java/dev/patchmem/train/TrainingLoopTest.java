package dev.patchmem.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
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
        // Every record carries the process's resident set (the long-run memory curve): a JVM with
        // libtorch loaded holds well over 50 MiB and under the 8 GiB heap cap plus natives.
        for (JsonNode n : log) {
            double rss = n.get("rssMb").asDouble();
            assertTrue(rss > 50 && rss < 16384, "rssMb " + rss + " at step " + n.get("step"));
        }

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

    @Test
    void dataParallelReplicasSumToTheGradientOfTheWholeBatch() {
        dev.patchmem.config.ModelConfig mc = new dev.patchmem.config.ModelConfig("", 8, List.of(1, 2), 1, true, 4);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray xt = m.randomNormal(0, 1, new Shape(7, 3, 8, 8), ai.djl.ndarray.types.DataType.FLOAT32);
            NDArray c = m.randomNormal(0, 1, new Shape(7, 3, 4, 4), ai.djl.ndarray.types.DataType.FLOAT32);
            NDArray target = m.randomNormal(0, 1, new Shape(7, 3, 8, 8), ai.djl.ndarray.types.DataType.FLOAT32);
            NDArray t = m.create(new int[] {0, 3, 9, 17, 25, 33, 49});
            java.util.Map<String, float[]>[] grads = new java.util.Map[2];
            double[] loss = new double[2];
            for (int replicas = 1; replicas <= 2; replicas++) {
                List<dev.patchmem.model.Network> nets = new java.util.ArrayList<>();
                for (int r = 0; r < replicas; r++) {
                    // Different init seeds: the constructor's broadcast must make the replicas equal.
                    nets.add(new dev.patchmem.model.UNet(m, mc, 8, r == 0 ? 5 : 99));
                }
                // A non-zero output layer, so that gradients reach every layer.
                java.util.Map<String, dev.patchmem.io.NpyArray> v = new java.util.LinkedHashMap<>(nets.get(0).params().snapshot());
                float[] w = v.get("out.conv.w").data().clone();
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) Math.sin(i * 0.7) * 0.2f;
                }
                v.put("out.conv.w", new dev.patchmem.io.NpyArray(v.get("out.conv.w").shape(), w));
                nets.get(0).params().load(v, "test");
                DataParallel dp = new DataParallel(nets);
                try (NDManager sm = m.newSubManager()) {
                    loss[replicas - 1] = dp.lossAndGradients(xt, t, c, target, null);
                    java.util.Map<String, float[]> g = new java.util.LinkedHashMap<>();
                    nets.get(0).params().split(dp.gradient(sm).toFloatArray()).forEach((k, a) -> g.put(k, a.data()));
                    grads[replicas - 1] = g;
                }
                nets.forEach(dev.patchmem.model.Network::close);
            }
            assertEquals(loss[0], loss[1], 1e-6 * Math.abs(loss[0]));
            int nonZero = 0;
            for (String k : grads[0].keySet()) {
                float[] a = grads[0].get(k);
                float[] b = grads[1].get(k);
                for (int i = 0; i < a.length; i++) {
                    assertEquals(a[i], b[i], 1e-5 + 1e-4 * Math.abs(a[i]), k + "[" + i + "]");
                    nonZero += a[i] != 0 ? 1 : 0;
                }
            }
            assertTrue(nonZero > 30_000, "non-zero gradient entries: " + nonZero);
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
