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
    void namedInputsRunAsPlainTensorsAndTheirGradientsReachThem() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {2}, new Shape(1, 1, 1, 1));
            NDArray w = m.create(new float[] {0, 0, 0, 0, 3, 0, 0, 0, 0}, new Shape(1, 1, 3, 3));
            NDArray b = m.create(new float[] {7});
            // A name with a dot is what DJL would read as a TorchScript dict entry.
            w.setName("up1.upsample.w");
            w.setRequiresGradient(true);
            NDArray y;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                y = TorchOps.upsampleConv3x3(x, w, b);
                gc.backward(y.sum());
            }
            // The centre tap alone: every one of the four output pixels is 3 * 2 + 7.
            assertArrayEquals(new float[] {13, 13, 13, 13}, y.toFloatArray(), 0f);
            // d sum / d w: each tap sees x = 2 at as many output pixels as it reaches inside the 2 x 2 image.
            assertArrayEquals(new float[] {2, 4, 2, 4, 8, 4, 2, 4, 2}, w.getGradient().toFloatArray(), 0f);
            assertEquals("up1.upsample.w", w.getName());
        }
    }

    /** Output and the gradients of x, w and b of {@code fast} and of {@code direct} on the same inputs. */
    private static void assertSameConvolution(long[] xShape, long[] wShape, Conv direct, Conv fast, double tol) {
        try (NDManager m = NDManager.newBaseManager()) {
            int nx = Math.toIntExact(new Shape(xShape).size());
            int nw = Math.toIntExact(new Shape(wShape).size());
            float[] xv = gaussian(nx, 11);
            float[] wv = gaussian(nw, 13);
            float[] bv = gaussian(Math.toIntExact(wShape[0]), 17);
            List<float[]> results = new ArrayList<>();
            for (Conv op : new Conv[] {direct, fast}) {
                NDArray x = m.create(xv, new Shape(xShape));
                NDArray w = m.create(wv, new Shape(wShape));
                NDArray b = m.create(bv);
                for (NDArray a : new NDArray[] {x, w, b}) {
                    a.setRequiresGradient(true);
                }
                NDArray y;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    y = op.apply(x, w, b);
                    // A weighting that differs per output pixel, so that a misplaced pixel changes every gradient.
                    NDArray weights = m.create(gaussian(Math.toIntExact(y.getShape().size()), 19), y.getShape());
                    gc.backward(y.mul(weights).sum());
                }
                results.add(y.toFloatArray());
                results.add(x.getGradient().toFloatArray());
                results.add(w.getGradient().toFloatArray());
                results.add(b.getGradient().toFloatArray());
            }
            String[] what = {"output", "d/dx", "d/dw", "d/db"};
            for (int i = 0; i < 4; i++) {
                float[] want = results.get(i);
                float[] got = results.get(i + 4);
                assertEquals(want.length, got.length, what[i] + " size");
                double scale = 0;
                for (float v : want) {
                    scale = Math.max(scale, Math.abs(v));
                }
                for (int j = 0; j < want.length; j++) {
                    assertEquals(want[j], got[j], tol * scale, what[i] + " at " + j);
                }
            }
        }
    }

    /** A convolution of (x, w, b). */
    private interface Conv {
        NDArray apply(NDArray x, NDArray w, NDArray b);
    }

    @Test
    void upsampleConvEqualsUpsamplingThenConvolvingWithTheSameGradients() {
        // Non-square, odd sizes and channel counts that differ: every phase, edge and channel is checked.
        long[] x = {2, 3, 5, 4};
        long[] w = {7, 3, 3, 3};
        Conv direct = (a, k, b) -> ai.djl.nn.convolutional.Conv2d.conv2d(Layers.upsampleNearest(a), k, b,
                new Shape(1, 1), new Shape(1, 1), new Shape(1, 1)).singletonOrThrow();
        assertSameConvolution(x, w, direct, TorchOps::upsampleConv3x3, 1e-5);
    }

    @Test
    void upsampleConvHasTheUpsampledShape() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray y = TorchOps.upsampleConv3x3(m.ones(new Shape(2, 3, 5, 4)), m.ones(new Shape(7, 3, 3, 3)),
                    m.zeros(new Shape(7)));
            assertEquals(new Shape(2, 7, 10, 8), y.getShape());
            // All ones in, all-ones kernel: 27 inside, fewer taps along the zero-padded border.
            assertEquals(27f, y.get(1, 6, 4, 3).getFloat(), 0f);
            assertEquals(12f, y.get(0, 0, 0, 0).getFloat(), 0f);
            assertEquals(18f, y.get(0, 0, 9, 4).getFloat(), 0f);
        }
    }

    @Test
    void theArchiveHoldsCodePickleConstantsAndVersionUnderOneFolder() throws Exception {
        byte[] zip = TorchOps.archive("Silu", "x: Tensor", List.of("y = torch.silu(x)", "return y"));
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
        assertTrue(code.contains("\n    y = torch.silu(x)\n    return y\n"), "the body, indented under forward: " + code);
        assertFalse(code.contains("\t"), "TorchScript indents with spaces");
    }
}
