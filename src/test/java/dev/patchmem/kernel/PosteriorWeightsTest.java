package dev.patchmem.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.patchmem.io.NpyArray;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PosteriorWeightsTest {

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    private static PosteriorWeights.Posterior posterior(float[] src, float[] dst, int dx, int dy, float[] c,
                                                        double sigma, int block) {
        int n = src.length / dx;
        try (TrainingPairs pairs = new TrainingPairs(manager, new NpyArray(new long[] {n, dx}, src),
                new NpyArray(new long[] {n, dy}, dst), block)) {
            return PosteriorWeights.compute(pairs, new NpyArray(new long[] {c.length / dx, dx}, c), sigma, true);
        }
    }

    @Test
    void onePairGivesProbabilityOne() {
        PosteriorWeights.Posterior p = posterior(new float[] {0.3f, -0.2f}, new float[] {1, 2, 3}, 2, 3,
                new float[] {5, 5, -4, 0}, 0.1, 8);
        assertArrayEquals(new float[] {1, 1}, p.weights());
        assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, p.mean(), 1e-6f);
    }

    @Test
    void twoEquidistantPairsGetOneHalfEach() {
        PosteriorWeights.Posterior p = posterior(new float[] {-1, 0, 1, 0}, new float[] {10, 20}, 2, 1,
                new float[] {0, 0.7f}, 0.5, 1);
        assertArrayEquals(new float[] {0.5f, 0.5f}, p.weights(), 1e-7f);
        assertEquals(15, p.mean()[0], 1e-5);
    }

    @Test
    void hugeSigmaGivesUniformWeights() {
        SplittableRandom rng = new SplittableRandom(1);
        int n = 37;
        float[] src = BruteForce.gaussian(rng, n * 4, 1);
        PosteriorWeights.Posterior p = posterior(src, BruteForce.gaussian(rng, n, 1), 4, 1,
                BruteForce.gaussian(rng, 3 * 4, 1), 1e6, 10);
        for (float w : p.weights()) {
            assertEquals(1.0 / n, w, 1e-6);
        }
    }

    @Test
    void tinySigmaGivesOneHotWithoutNaN() {
        SplittableRandom rng = new SplittableRandom(2);
        int n = 50;
        int d = 6;
        float[] src = BruteForce.gaussian(rng, n * d, 1);
        float[] c = BruteForce.gaussian(rng, 4 * d, 1);
        PosteriorWeights.Posterior p = posterior(src, src.clone(), d, d, c, 1e-4, 16);
        for (int r = 0; r < 4; r++) {
            int nearest = 0;
            for (int i = 1; i < n; i++) {
                if (BruteForce.sq(c, r, src, i, d) < BruteForce.sq(c, r, src, nearest, d)) {
                    nearest = i;
                }
            }
            for (int i = 0; i < n; i++) {
                float w = p.weights()[r * n + i];
                assertFalse(Float.isNaN(w));
                assertEquals(i == nearest ? 1f : 0f, w, 0f, "row " + r + " index " + i);
            }
            for (int j = 0; j < d; j++) {
                assertEquals(src[nearest * d + j], p.mean()[r * d + j], 1e-5);
            }
        }
    }

    @Test
    void matchesFloat64BruteForceOverSeveralBlocks() {
        SplittableRandom rng = new SplittableRandom(3);
        int n = 300;
        int dx = 12;
        int dy = 5;
        int q = 7;
        float[] src = BruteForce.gaussian(rng, n * dx, 1);
        float[] dst = BruteForce.gaussian(rng, n * dy, 1);
        float[] c = BruteForce.gaussian(rng, q * dx, 1);
        for (float v = 0; v < src.length; v++) {
            src[(int) v] += 3; // an offset the centering removes
        }
        for (int j = 0; j < c.length; j++) {
            c[j] += 3;
        }
        double sigma = 1.5;
        double[][] want = BruteForce.posterior(c, src, dx, sigma);
        double[][] wantMean = BruteForce.mean(want, dst, dy);
        for (int block : new int[] {1000, 64, 7}) {
            PosteriorWeights.Posterior p = posterior(src, dst, dx, dy, c, sigma, block);
            for (int r = 0; r < q; r++) {
                for (int i = 0; i < n; i++) {
                    assertEquals(want[r][i], p.weights()[r * n + i], 1e-6 + 1e-4 * want[r][i],
                            "block " + block + " row " + r + " index " + i);
                }
                for (int j = 0; j < dy; j++) {
                    assertEquals(wantMean[r][j], p.mean()[r * dy + j], 1e-5);
                }
            }
        }
    }

    @Test
    void meanOnTheDeviceKeepsTheTargetShape() {
        float[] src = {0, 0, 1, 1};
        float[] dst = new float[2 * 3 * 2 * 2];
        for (int i = 0; i < dst.length; i++) {
            dst[i] = i;
        }
        try (TrainingPairs pairs = new TrainingPairs(manager, new NpyArray(new long[] {2, 1, 1, 2}, src),
                new NpyArray(new long[] {2, 3, 2, 2}, dst), 1);
             NDManager m = manager.newSubManager()) {
            NDArray c = m.create(new float[] {0, 0}, new Shape(1, 1, 1, 2));
            NDArray mean = PosteriorWeights.mean(pairs, c, 1e-3);
            assertEquals(new Shape(1, 3, 2, 2), mean.getShape());
            assertEquals(m, mean.getManager());
            assertArrayEquals(java.util.Arrays.copyOf(dst, 12), mean.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void rejectsBadSigmaAndShapes() {
        try (TrainingPairs pairs = new TrainingPairs(manager, new NpyArray(new long[] {1, 2}, new float[2]),
                new NpyArray(new long[] {1, 1}, new float[1]), 4)) {
            NpyArray c = new NpyArray(new long[] {1, 2}, new float[2]);
            assertThrows(IllegalArgumentException.class, () -> PosteriorWeights.compute(pairs, c, 0, true));
            assertThrows(IllegalArgumentException.class, () -> PosteriorWeights.compute(pairs, c, Double.NaN, true));
            NpyArray wrong = new NpyArray(new long[] {1, 3}, new float[3]);
            assertThrows(IllegalArgumentException.class, () -> PosteriorWeights.compute(pairs, wrong, 1, true));
        }
    }
}
