package dev.patchmem.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.patchmem.config.ModelConfig;
import dev.patchmem.io.NpyArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UNetTest {

    @Test
    void outputHasTheShapeOfTheHrPatchForEveryPreset() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (ModelConfig cfg : List.of(new ModelConfig("", 8, List.of(1, 2), 1, false, 4),
                    new ModelConfig("", 8, List.of(1, 2, 2), 2, true, 4))) {
                try (UNet net = new UNet(m, cfg, 16, 0); NDManager sm = m.newSubManager()) {
                    NDArray out = net.forward(sm.randomNormal(new Shape(3, 3, 16, 16)),
                            sm.create(new int[] {0, 5, 9}), sm.randomNormal(new Shape(3, 3, 8, 8)));
                    assertEquals(new Shape(3, 3, 16, 16), out.getShape(), cfg.toString());
                    assertTrue(net.params().count() > 0);
                }
            }
        }
    }

    @Test
    void forwardReleasesTheIntermediatesOfItsBlocks() {
        // Levels [1, 2] with one residual block per level, then two: four blocks more (one more per level
        // down, one more per level up). Each block leaves its output and its time projection (the linear
        // layer's output and its reshape) in the caller's manager; unscoped it left 11 arrays.
        int[] left = new int[2];
        try (NDManager m = NDManager.newBaseManager()) {
            for (int blocks = 1; blocks <= 2; blocks++) {
                try (UNet net = new UNet(m, new ModelConfig("", 8, List.of(1, 2), blocks, false, 4), 16, 0);
                     NDManager sm = m.newSubManager()) {
                    NDArray xt = sm.randomNormal(new Shape(3, 3, 16, 16));
                    NDArray t = sm.create(new int[] {0, 5, 9});
                    NDArray c = sm.randomNormal(new Shape(3, 3, 8, 8));
                    int before = sm.getManagedArrays().size();
                    net.forward(xt, t, c);
                    left[blocks - 1] = sm.getManagedArrays().size() - before;
                }
            }
        }
        assertEquals(4 * 3, left[1] - left[0], "arrays left per extra block: " + (left[1] - left[0]) / 4.0);
    }

    @Test
    void parameterCountMatchesAHandCountOfTheTinyPreset() {
        // Width 16, levels [1, 2], one residual block, time embedding 64, counted layer by layer:
        // temb 5248, stem 880, down0.res0 5744, down0.downsample 2320, down1.res0 16608,
        // mid 2 x 20704, up1.res0 32064, up1.res1 26912, up1.upsample 9248, up0.res0 11200,
        // up0.res1 8608, out 467.
        try (NDManager m = NDManager.newBaseManager();
             UNet net = new UNet(m, new ModelConfig("", 16, List.of(1, 2), 1, false, 8), 16, 0)) {
            assertEquals(160_707, net.params().count());
        }
    }

    @Test
    void gradientsMatchCentralFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager();
             UNet net = new UNet(m, new ModelConfig("", 4, List.of(1, 2), 1, true, 2), 4, 3)) {
            // The output layer starts at zero, which would zero every inner gradient: randomise it.
            Map<String, NpyArray> values = new LinkedHashMap<>(net.params().snapshot());
            SplittableRandom r = new SplittableRandom(7);
            for (String k : List.of("out.conv.w", "out.conv.b")) {
                NpyArray a = values.get(k);
                float[] v = new float[a.data().length];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (r.nextGaussian() * 0.3);
                }
                values.put(k, new NpyArray(a.shape(), v));
            }
            net.params().load(values, "test");
            NDArray xt = m.randomNormal(0, 1, new Shape(2, 3, 4, 4), DataType.FLOAT32);
            NDArray c = m.randomNormal(0, 1, new Shape(2, 3, 2, 2), DataType.FLOAT32);
            NDArray t = m.create(new int[] {3, 40});
            NDArray weights = m.randomNormal(0, 1, new Shape(2, 3, 4, 4), DataType.FLOAT32);

            Map<String, float[]> grads = new LinkedHashMap<>();
            try (NDManager sm = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = net.forward(xt, t, c).mul(weights).sum();
                gc.backward(loss);
                net.params().arrays().forEach((k, w) -> {
                    NDArray g = w.getGradient();
                    grads.put(k, g.toFloatArray());
                    g.close();
                });
            }
            net.params().arrays().values().forEach(w -> ai.djl.pytorch.jni.JniUtils.zeroGrad(
                    (ai.djl.pytorch.engine.PtNDArray) w));

            int checked = 0;
            for (String k : List.of("stem.w", "down0.res0.conv1.w", "down0.res0.norm1.g", "temb.0.w", "mid.attn.qkv.w",
                    "up0.res1.conv2.b", "out.conv.w")) {
                float[] g = grads.get(k);
                for (int idx : new int[] {0, g.length / 2, g.length - 1}) {
                    double fd = finiteDifference(net, values, k, idx, xt, t, c, weights);
                    assertEquals(fd, g[idx], 2e-2 * Math.max(1, Math.abs(fd)), k + "[" + idx + "]");
                    checked++;
                }
            }
            assertEquals(21, checked);
        }
    }

    private static double finiteDifference(UNet net, Map<String, NpyArray> base, String key, int idx, NDArray xt,
                                           NDArray t, NDArray c, NDArray weights) {
        double h = 1e-2;
        double[] l = new double[2];
        for (int s = 0; s < 2; s++) {
            Map<String, NpyArray> v = new LinkedHashMap<>(base);
            float[] d = base.get(key).data().clone();
            d[idx] += (float) (s == 0 ? h : -h);
            v.put(key, new NpyArray(base.get(key).shape(), d));
            net.params().load(v, "test");
            try (NDArray out = net.forward(xt, t, c)) {
                l[s] = out.mul(weights).sum().getFloat();
            }
        }
        net.params().load(base, "test");
        return (l[0] - l[1]) / (2 * h);
    }
}
