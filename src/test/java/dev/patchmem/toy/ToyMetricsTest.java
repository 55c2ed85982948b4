package dev.patchmem.toy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchmem.io.NpyArray;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ToyMetricsTest {

    private static NpyArray points(float... xy) {
        return new NpyArray(new long[] {xy.length / 2, 2}, xy);
    }

    @Test
    void nearestMatchesADoubleLoopAndTheRatioRuleDecidesMemorization() {
        SplittableRandom r = new SplittableRandom(3);
        float[] s = new float[2 * 50];
        float[] t = new float[2 * 7];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) r.nextGaussian();
        }
        ToyMetrics.Nearest nn = ToyMetrics.nearest(points(s), points(t));
        for (int a = 0; a < 50; a++) {
            double[] d = new double[7];
            for (int i = 0; i < 7; i++) {
                d[i] = Math.hypot(s[2 * a] - t[2 * i], s[2 * a + 1] - t[2 * i + 1]) / Math.sqrt(2);
            }
            double[] sorted = d.clone();
            Arrays.sort(sorted);
            assertEquals(sorted[0], nn.d1()[a], 1e-12);
            assertEquals(sorted[1], nn.d2()[a], 1e-12);
            assertEquals(sorted[0], d[nn.i1()[a]], 1e-12);
            assertEquals(sorted[1], d[nn.i2()[a]], 1e-12);
            assertEquals(sorted[0] < sorted[1] / 3, nn.memorized(a));
        }
        ToyMetrics.Nearest onPoint = ToyMetrics.nearest(points(1, 0, 0.5f, 0), points(1, 0, -1, 0));
        assertTrue(onPoint.memorized(0));
        assertFalse(onPoint.memorized(1));
        assertEquals(0.5, onPoint.memorizedFraction(0, 2));
    }

    @Test
    void frequenciesAndTotalVariation() {
        double[] f = ToyMetrics.frequencies(new int[] {9, 0, 0, 1, 2, 2, 2, 9}, 1, 7, 3);
        assertArrayEquals(new double[] {2 / 6.0, 1 / 6.0, 3 / 6.0}, f, 1e-15);
        assertEquals(0.0, ToyMetrics.totalVariation(f, f));
        assertEquals(1.0, ToyMetrics.totalVariation(new double[] {1, 0}, new double[] {0, 1}));
        assertEquals(0.25, ToyMetrics.totalVariation(new double[] {0.5, 0.5, 0}, new double[] {0.25, 0.5, 0.25}),
                1e-15);
    }

    @Test
    void samplingNoiseOfAUniformEightWayDistributionMatchesTheNormalApproximation() {
        double[] p = new double[8];
        Arrays.fill(p, 1 / 8.0);
        double[] tv = ToyMetrics.samplingNoiseTv(p, 4000, 400, 1);
        // E|f_i - p_i| ~ sqrt(2 p (1 - p) / (pi S)) per outcome; TV = half the sum: 0.0167 (FEASIBILITY: 0.017).
        double expected = 4 * Math.sqrt(2 * (1 / 8.0) * (7 / 8.0) / (Math.PI * 4000));
        assertEquals(expected, tv[0], 0.001);
        assertTrue(tv[1] > tv[0]);
        assertEquals(0.0, ToyMetrics.samplingNoiseTv(new double[] {0, 1, 0}, 100, 10, 1)[0]);
    }

    @Test
    void mixtureLogDensityIntegratesToOneAndReducesToAGaussian() {
        List<List<Double>> centers = List.of(List.of(1.0, 1.0), List.of(-1.0, 1.0), List.of(0.0, -1.0));
        double h = 0.02;
        int n = (int) (8 / h);
        float[] grid = new float[2 * n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                grid[2 * (i * n + j)] = (float) (-4 + (i + 0.5) * h);
                grid[2 * (i * n + j) + 1] = (float) (-4 + (j + 0.5) * h);
            }
        }
        double mass = Arrays.stream(ToyData.mixtureLogDensity(points(grid), centers, 0.35)).map(Math::exp).sum() * h * h;
        assertEquals(1.0, mass, 1e-3);
        double[] one = ToyData.mixtureLogDensity(points(0.5f, -0.25f), List.of(List.of(0.0, 0.0)), 2.0);
        assertEquals(-Math.log(2 * Math.PI * 4) - (0.25 + 0.0625) / 8, one[0], 1e-6);
    }

    @Test
    void mixtureSamplesHaveTheMixtureMoments() {
        NpyArray x = ToyData.mixtureSample(List.of(List.of(1.0, 1.0), List.of(-1.0, -1.0)), 0.35, 40_000,
                new SplittableRandom(2));
        double mean = 0;
        double sq = 0;
        for (int i = 0; i < x.rows(); i++) {
            mean += x.data()[2 * i];
            sq += x.data()[2 * i] * x.data()[2 * i];
        }
        mean /= x.rows();
        assertEquals(0.0, mean, 0.02);
        assertEquals(1 + 0.35 * 0.35, sq / x.rows(), 0.02);
    }

    @Test
    void circlePointsAreEvenlySpaced() {
        NpyArray c = ToyData.circle(8, 1.0);
        for (int i = 0; i < 8; i++) {
            int j = (i + 1) % 8;
            double d = Math.hypot(c.data()[2 * i] - c.data()[2 * j], c.data()[2 * i + 1] - c.data()[2 * j + 1]);
            assertEquals(2 * Math.sin(Math.PI / 8), d, 1e-6);
        }
    }
}
