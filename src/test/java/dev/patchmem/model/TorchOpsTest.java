package dev.patchmem.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/** The TorchScript-backed operators: values and gradients against closed forms in double. */
class TorchOpsTest {

    private static float[] gaussian(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * 2);
        }
        return v;
    }

    @Test
    void siluGradientIsTheClosedForm() {
        float[] v = gaussian(64, 3);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(v);
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(TorchOps.silu(x).sum());
            }
            float[] grad = x.getGradient().toFloatArray();
            for (int i = 0; i < v.length; i++) {
                double s = 1 / (1 + Math.exp(-v[i]));
                assertEquals(s * (1 + v[i] * (1 - s)), grad[i], 1e-6, "d silu / dx at " + v[i]);
            }
        }
    }

    @Test
    void groupNormGainAndBiasGradientsAreTheClosedForm() {
        int n = 2, c = 6, h = 3, w = 4, groups = 3;
        int hw = h * w;
        int per = c / groups * hw;
        float[] x = gaussian(n * c * hw, 5);
        float[] weights = gaussian(x.length, 7);
        float[] gamma = gaussian(c, 9);
        double[] xhat = new double[x.length];
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < groups; g++) {
                int base = (b * c + g * c / groups) * hw;
                double mean = 0;
                double sq = 0;
                for (int i = 0; i < per; i++) {
                    mean += x[base + i];
                    sq += (double) x[base + i] * x[base + i];
                }
                mean /= per;
                double var = sq / per - mean * mean;
                for (int i = 0; i < per; i++) {
                    xhat[base + i] = (x[base + i] - mean) / Math.sqrt(var + 1e-5);
                }
            }
        }
        float[] dGamma = new float[c];
        float[] dBeta = new float[c];
        for (int i = 0; i < x.length; i++) {
            int ch = i / hw % c;
            dGamma[ch] += (float) (weights[i] * xhat[i]);
            dBeta[ch] += weights[i];
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray g = m.create(gamma);
            NDArray bias = m.zeros(new Shape(c));
            g.setRequiresGradient(true);
            bias.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = TorchOps.groupNorm(m.create(x, new Shape(n, c, h, w)), groups, g, bias);
                gc.backward(y.mul(m.create(weights, new Shape(n, c, h, w))).sum());
            }
            assertArrayEquals(dGamma, g.getGradient().toFloatArray(), 1e-4f);
            assertArrayEquals(dBeta, bias.getGradient().toFloatArray(), 1e-4f);
        }
    }

    @Test
    void resultsBelongToTheInputsManagerAndNoGraphIsKeptOutsideTraining() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray y;
            try (NDManager step = m.newSubManager()) {
                NDArray x = step.create(new float[] {1, 2, 3});
                y = TorchOps.silu(x);
                assertTrue(step.getManagedArrays().contains(y), "the result is closed with the step");
            }
            assertTrue(y.isReleased());
        }
    }

    @Test
    void namedInputsAreRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2});
            x.setName("down0.res0.norm1.g");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TorchOps.silu(x));
            assertTrue(e.getMessage().contains("down0.res0.norm1.g"), e.getMessage());
        }
    }

    @Test
    void theArchiveHoldsCodePickleConstantsAndVersionUnderOneFolder() throws Exception {
        byte[] zip = TorchOps.archive("Silu", "x: Tensor", "torch.silu(x)");
        List<String> names = new ArrayList<>();
        String code = null;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                names.add(e.getName());
                assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
                if (e.getName().endsWith("__torch__.py")) {
                    code = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
        }
        assertEquals(List.of("silu/data.pkl", "silu/code/__torch__.py", "silu/constants.pkl", "silu/version"), names);
        assertTrue(code.contains("def forward(self: __torch__.Silu, x: Tensor) -> Tensor:"), code);
        assertFalse(code.contains("\t"), "TorchScript indents with spaces");
    }
}
