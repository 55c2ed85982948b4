package dev.patchmem.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LayersTest {

    @Test
    void aScopedBlockLeavesOnlyItsResultBehindAndGradientsFlowThroughIt() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3});
            x.setRequiresGradient(true);
            NDArray[] inside = new NDArray[1];
            int before = m.getManagedArrays().size();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = Layers.scoped(x, in -> {
                    inside[0] = in.mul(2);
                    return inside[0].square();
                });
                assertSame(m, y.getManager());
                assertSame(m, x.getManager());
                assertTrue(inside[0].isReleased());
                assertFalse(x.isReleased());
                assertEquals(before + 1, m.getManagedArrays().size());
                assertArrayEquals(new float[] {4, 16, 36}, y.toFloatArray(), 1e-6f);
                gc.backward(y.sum());
            }
            // d/dx (2x)^2 = 8x: autograd kept the released intermediate's share of the graph.
            assertArrayEquals(new float[] {8, 16, 24}, x.getGradient().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void upsamplingRunsInSubPixelFormFromTheThresholdOn() {
        // The tiny U-Net's layer with batch 32 (75 M multiply-adds), then the small U-Net's (1.2 G).
        assertFalse(Layers.subPixelPays(new Shape(32, 32, 8, 8), new Shape(32, 32, 3, 3)));
        assertTrue(Layers.subPixelPays(new Shape(32, 64, 16, 16), new Shape(64, 64, 3, 3)));
        // One channel in and out, H x 1: 9 x 2H x 2 multiply-adds, the first H at the threshold and the one before.
        long h = (Layers.SUB_PIXEL_MIN_MULTIPLY_ADDS + 35) / 36;
        assertTrue(Layers.subPixelPays(new Shape(1, 1, h, 1), new Shape(1, 1, 3, 3)));
        assertFalse(Layers.subPixelPays(new Shape(1, 1, h - 1, 1), new Shape(1, 1, 3, 3)));
    }

    @Test
    void upsamplingConvolutionEqualsUpsamplingThenConvolvingInBothForms() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Below the threshold (direct) and above it (sub-pixel).
            for (long[] s : new long[][] {{2, 3, 5, 4, 7}, {32, 64, 16, 16, 64}}) {
                NDArray x = m.randomNormal(new Shape(s[0], s[1], s[2], s[3]));
                Layers.Conv conv = new Layers.Conv(m.randomNormal(new Shape(s[4], s[1], 3, 3)),
                        m.randomNormal(new Shape(s[4])), 1, 1);
                NDArray want = conv.apply(Layers.upsampleNearest(x));
                NDArray got = conv.applyUpsampled(x);
                assertEquals(want.getShape(), got.getShape());
                float scale = want.abs().max().getFloat();
                assertEquals(0f, want.sub(got).abs().max().getFloat(), 1e-5f * scale, "input " + x.getShape());
            }
        }
    }

    @Test
    void groupNormMatchesAMeanVarianceReference() {
        int n = 2, c = 8, h = 3, w = 5, groups = 4;
        float[] x = new float[n * c * h * w];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 3 + 1);
        }
        float[] gamma = new float[c];
        float[] beta = new float[c];
        for (int i = 0; i < c; i++) {
            gamma[i] = 0.5f + i;
            beta[i] = -0.25f * i;
        }
        float[] expected = new float[x.length];
        int per = c / groups * h * w;
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < groups; g++) {
                int base = (b * c + g * c / groups) * h * w;
                double mean = 0;
                for (int i = 0; i < per; i++) {
                    mean += x[base + i];
                }
                mean /= per;
                double var = 0;
                for (int i = 0; i < per; i++) {
                    var += (x[base + i] - mean) * (x[base + i] - mean);
                }
                var /= per;
                for (int i = 0; i < per; i++) {
                    int ch = g * c / groups + i / (h * w);
                    expected[base + i] = (float) ((x[base + i] - mean) / Math.sqrt(var + 1e-5) * gamma[ch] + beta[ch]);
                }
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Layers.GroupNorm gn = new Layers.GroupNorm(m.create(gamma, new Shape(c, 1, 1)),
                    m.create(beta, new Shape(c, 1, 1)), groups);
            NDArray out = gn.apply(m.create(x, new Shape(n, c, h, w)));
            assertArrayEquals(expected, out.toFloatArray(), 2e-5f);
        }
    }

    @Test
    void siluIsXTimesSigmoid() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] v = {-4f, -1f, 0f, 0.5f, 3f};
            float[] out = Layers.silu(m.create(v)).toFloatArray();
            for (int i = 0; i < v.length; i++) {
                assertEquals(v[i] / (1 + Math.exp(-v[i])), out[i], 1e-6);
            }
        }
    }

    @Test
    void timestepEmbeddingIsSinCosOfScaledTime() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray e = Layers.timestepEmbedding(m.create(new int[] {0, 7}), 8);
            assertEquals(new Shape(2, 8), e.getShape());
            float[] v = e.toFloatArray();
            for (int k = 0; k < 4; k++) {
                double freq = Math.exp(-Math.log(10000.0) * k / 4);
                assertEquals(0.0, v[k], 1e-7);                  // sin(0)
                assertEquals(1.0, v[4 + k], 1e-7);              // cos(0)
                assertEquals(Math.sin(7 * freq), v[8 + k], 1e-5);
                assertEquals(Math.cos(7 * freq), v[12 + k], 1e-5);
            }
        }
    }
}
