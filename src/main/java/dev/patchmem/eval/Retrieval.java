package dev.patchmem.eval;

import java.util.SplittableRandom;

/**
 * Retrieval frequencies against the kernel model: for each condition, how often its memorized
 * samples land on each training target, compared with P(i | c) by total-variation distance.
 */
public final class Retrieval {

    private Retrieval() {
    }

    /**
     * Empirical frequencies (Q, N), row-major: row q counts i1 over the memorized samples of condition
     * q (samples q*K .. q*K+K-1), normalised; a row with no memorized sample is all zero.
     */
    public static float[] frequencies(NearestNeighbors nn, int q, int k) {
        int n = nn.pairs();
        float[] f = new float[q * n];
        for (int c = 0; c < q; c++) {
            int count = 0;
            for (int s = c * k; s < (c + 1) * k; s++) {
                if (nn.memorized(s)) {
                    f[c * n + nn.i1()[s]]++;
                    count++;
                }
            }
            for (int i = 0; count > 0 && i < n; i++) {
                f[c * n + i] /= count;
            }
        }
        return f;
    }

    /** Total-variation distance 0.5 * sum_i |a_i - b_i| between rows {@code row} of two (Q, N) matrices. */
    public static double tv(float[] a, float[] b, int row, int n) {
        double s = 0;
        for (int i = row * n; i < (row + 1) * n; i++) {
            s += Math.abs(a[i] - b[i]);
        }
        return s / 2;
    }

    /**
     * Expected TV between P (one row of {@code weights}) and the frequencies of {@code samples} draws
     * from P itself: the TV a perfect model shows from sampling noise alone (Monte Carlo, {@code trials}).
     */
    public static double samplingNoiseTv(float[] weights, int row, int n, int samples, int trials, long seed) {
        if (samples == 0) {
            return Double.NaN;
        }
        double[] cdf = new double[n];
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += weights[row * n + i];
            cdf[i] = acc;
        }
        SplittableRandom r = new SplittableRandom(seed);
        float[] counts = new float[n];
        double total = 0;
        for (int t = 0; t < trials; t++) {
            java.util.Arrays.fill(counts, 0);
            for (int s = 0; s < samples; s++) {
                double u = r.nextDouble() * acc;
                int i = java.util.Arrays.binarySearch(cdf, u);
                counts[Math.min(n - 1, i < 0 ? -i - 1 : i)] += 1f / samples;
            }
            double tv = 0;
            for (int i = 0; i < n; i++) {
                tv += Math.abs(counts[i] - weights[row * n + i]);
            }
            total += tv / 2;
        }
        return total / trials;
    }

    /** Coefficient of determination of {@code pred} against {@code ref}: 1 - SSE / SST around ref's mean. */
    public static double r2(float[] ref, float[] pred) {
        double mean = 0;
        for (float v : ref) {
            mean += v;
        }
        mean /= ref.length;
        double sse = 0;
        double sst = 0;
        for (int i = 0; i < ref.length; i++) {
            sse += (pred[i] - ref[i]) * (double) (pred[i] - ref[i]);
            sst += (ref[i] - mean) * (ref[i] - mean);
        }
        return 1 - sse / sst;
    }
}
