package dev.patchmem.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.patchmem.diffusion.NoiseSchedule;
import dev.patchmem.io.NpyArray;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClosedFormDenoiserTest {

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /** Brute-force weights of E[x_0 | x_t, c] in double; c null drops the condition term. */
    private static double[][] bruteWeights(float[] xt, float[] c, float[] src, float[] dst, int dx, int dy,
                                           double alphaBar, double sigma) {
        int b = xt.length / dy;
        int n = dst.length / dy;
        double[][] logits = new double[b][n];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < dy; j++) {
                    double diff = xt[r * dy + j] - Math.sqrt(alphaBar) * dst[i * dy + j];
                    s += diff * diff;
                }
                logits[r][i] = -s / (2 * (1 - alphaBar));
                if (c != null) {
                    logits[r][i] -= BruteForce.sq(c, r, src, i, dx) / (2 * sigma * sigma);
                }
            }
        }
        return BruteForce.softmax(logits);
    }

    private static NDArray steps(NDManager m, int b, int t) {
        int[] ts = new int[b];
        java.util.Arrays.fill(ts, t);
        return m.create(ts);
    }

    @Test
    void nearTimeZeroReturnsTheNearestTargetForPatches() {
        SplittableRandom rng = new SplittableRandom(5);
        int n = 6;
        float[] dst = BruteForce.gaussian(rng, n * 48, 0.5);
        float[] src = BruteForce.gaussian(rng, n * 12, 0.5);
        NoiseSchedule schedule = NoiseSchedule.linear(1000, 1e-4, 0.02);
        double ab = schedule.alphaBar(0);
        int[] which = {4, 0, 2};
        float[] xt = new float[which.length * 48];
        float[] eps = BruteForce.gaussian(rng, xt.length, 1);
        for (int r = 0; r < which.length; r++) {
            for (int j = 0; j < 48; j++) {
                xt[r * 48 + j] = (float) (Math.sqrt(ab) * dst[which[r] * 48 + j] + Math.sqrt(1 - ab) * eps[r * 48 + j]);
            }
        }
        try (TrainingPairs pairs = new TrainingPairs(manager, new NpyArray(new long[] {n, 3, 2, 2}, src),
                new NpyArray(new long[] {n, 3, 4, 4}, dst), 4);
             NDManager m = manager.newSubManager()) {
            ClosedFormDenoiser den = new ClosedFormDenoiser(schedule, pairs, 0.5);
            NDArray x = m.create(xt, new Shape(3, 3, 4, 4));
            NDArray c = m.create(BruteForce.gaussian(rng, 3 * 12, 0.5), new Shape(3, 3, 2, 2));
            NDArray x0 = den.denoise(x, steps(m, 3, 0), c);
            assertEquals(new Shape(3, 3, 4, 4), x0.getShape());
            assertSame(m, x0.getManager());
            float[] got = x0.toFloatArray();
            for (int r = 0; r < which.length; r++) {
                for (int j = 0; j < 48; j++) {
                    assertEquals(dst[which[r] * 48 + j], got[r * 48 + j], 1e-5, "row " + r);
                }
            }
        }
    }

    @Test
    void flatFirstTermAtTheLargestTimeGivesThePosteriorWeights() {
        // alphaBar = 0 at the last step: x_t carries no information about x_0
        NoiseSchedule schedule = new NoiseSchedule(new double[] {0.1, 0.5, 1.0}, new double[] {0.9, 0.45, 0.0});
        SplittableRandom rng = new SplittableRandom(6);
        int n = 9;
        float[] src = BruteForce.gaussian(rng, n * 2, 1);
        float[] dst = BruteForce.gaussian(rng, n * 2, 1);
        float[] cond = BruteForce.gaussian(rng, 4 * 2, 1);
        double sigma = 0.7;
        double[][] want = BruteForce.posterior(cond, src, 2, sigma);
        try (TrainingPairs pairs = new TrainingPairs(manager, new NpyArray(new long[] {n, 2}, src),
                new NpyArray(new long[] {n, 2}, dst), 4);
             NDManager m = manager.newSubManager()) {
            ClosedFormDenoiser den = new ClosedFormDenoiser(schedule, pairs, sigma);
            NDArray xt = m.create(BruteForce.gaussian(rng, 4 * 2, 1), new Shape(4, 2));
            NDArray c = m.create(cond, new Shape(4, 2));
            float[] w = den.weights(xt, steps(m, 4, 2), c);
            float[] p = PosteriorWeights.compute(pairs, new NpyArray(new long[] {4, 2}, cond), sigma, true).weights();
            for (int k = 0; k < w.length; k++) {
                assertEquals(p[k], w[k], 1e-6);
                assertEquals(want[k / n][k % n], w[k], 1e-6);
            }
        }
    }

    @Test
    void toyPointsMatchFloat64BruteForceWithAndWithoutCondition() {
        NoiseSchedule schedule = NoiseSchedule.linear(100, 1e-4, 0.02);
        SplittableRandom rng = new SplittableRandom(8);
        int n = 40;
        int b = 5;
        float[] src = BruteForce.gaussian(rng, n * 2, 1);
        float[] dst = BruteForce.gaussian(rng, n * 2, 1);
        float[] cond = BruteForce.gaussian(rng, b * 2, 1);
        float[] xt = BruteForce.gaussian(rng, b * 2, 1);
        double sigma = 0.4;
        int t = 30;
        try (TrainingPairs pairs = new TrainingPairs(manager, new NpyArray(new long[] {n, 2}, src),
                new NpyArray(new long[] {n, 2}, dst), 16);
             NDManager m = manager.newSubManager()) {
            ClosedFormDenoiser den = new ClosedFormDenoiser(schedule, pairs, sigma);
            for (float[] c : new float[][] {cond, null}) {
                double[][] w = bruteWeights(xt, c, src, dst, 2, 2, schedule.alphaBar(t), sigma);
                double[][] mean = BruteForce.mean(w, dst, 2);
                NDArray ct = c == null ? null : m.create(c, new Shape(b, 2));
                float[] got = den.denoise(m.create(xt, new Shape(b, 2)), steps(m, b, t), ct).toFloatArray();
                float[] gotW = den.weights(m.create(xt, new Shape(b, 2)), steps(m, b, t), ct);
                for (int r = 0; r < b; r++) {
                    for (int j = 0; j < 2; j++) {
                        assertEquals(mean[r][j], got[r * 2 + j], 1e-5, "row " + r + (c == null ? " unconditional" : ""));
                    }
                    for (int i = 0; i < n; i++) {
                        assertEquals(w[r][i], gotW[r * n + i], 1e-6 + 1e-4 * w[r][i]);
                    }
                }
            }
        }
    }

    @Test
    void unconditionalPairsWorkWithoutConditions() {
        NoiseSchedule schedule = NoiseSchedule.cosine(50, 0.008);
        float[] dst = {1, 1, -1, -1, 3, 0};
        try (TrainingPairs pairs = new TrainingPairs(manager, null, new NpyArray(new long[] {3, 2}, dst), 2);
             NDManager m = manager.newSubManager()) {
            ClosedFormDenoiser den = new ClosedFormDenoiser(schedule, pairs, 0);
            double ab = schedule.alphaBar(0);
            float[] xt = {(float) (Math.sqrt(ab) * 3), 0.01f};
            float[] got = den.denoise(m.create(xt, new Shape(1, 2)), m.create(new long[] {0}), null).toFloatArray();
            assertEquals(3, got[0], 1e-5);
            assertEquals(0, got[1], 1e-5);
        }
    }
}
