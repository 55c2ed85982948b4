package dev.patchmem.toy;

import dev.patchmem.eval.Memorization;
import dev.patchmem.io.NpyArray;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The numbers of the toy experiments, as pure functions: nearest training points and the
 * memorization criterion of Gu et al. 2023 (DESIGN.md), retrieval frequencies, total variation, and
 * the total variation that sampling noise alone gives a perfect model.
 */
public final class ToyMetrics {

    private ToyMetrics() {
    }

    /**
     * The two nearest training points of every sample, with d = ||g - x^(i)||_2 / sqrt(D).
     *
     * @param i1 index of the nearest training point of each sample
     * @param d1 its distance
     * @param i2 index of the second nearest
     * @param d2 its distance
     */
    public record Nearest(int[] i1, double[] d1, int[] i2, double[] d2) {

        /** Number of samples. */
        public int size() {
            return i1.length;
        }

        /** Whether sample {@code s} is memorized: d1 / d2 < 1/3, by the rule of the patch evaluator. */
        public boolean memorized(int s) {
            return Memorization.memorized(Memorization.ratio(d1[s], d2[s]));
        }

        /** Fraction of samples in [from, to) that are memorized. */
        public double memorizedFraction(int from, int to) {
            int m = 0;
            for (int s = from; s < to; s++) {
                m += memorized(s) ? 1 : 0;
            }
            return to > from ? (double) m / (to - from) : Double.NaN;
        }

        /** Mean of d1 over samples in [from, to). */
        public double meanD1(int from, int to) {
            return Arrays.stream(d1, from, to).average().orElse(Double.NaN);
        }
    }

    /**
     * Nearest and second-nearest training rows of every sample, by brute force in double (toy sizes:
     * a few thousand 2-D samples against tens of points; ties go to the lower index, as in the patch
     * evaluator's blocked search).
     */
    public static Nearest nearest(NpyArray samples, NpyArray train) {
        int d = train.rowSize();
        if (samples.rowSize() != d) {
            throw new IllegalArgumentException("samples have " + samples.rowSize() + " values per row, training"
                    + " points " + d);
        }
        if (train.rows() < 2) {
            throw new IllegalArgumentException("d1/d2 needs at least two training points");
        }
        int s = samples.rows();
        int n = train.rows();
        Nearest r = new Nearest(new int[s], new double[s], new int[s], new double[s]);
        float[] x = samples.data();
        float[] t = train.data();
        for (int a = 0; a < s; a++) {
            double b1 = Double.POSITIVE_INFINITY;
            double b2 = Double.POSITIVE_INFINITY;
            int j1 = -1;
            int j2 = -1;
            for (int i = 0; i < n; i++) {
                double sq = 0;
                for (int j = 0; j < d; j++) {
                    double e = x[a * d + j] - t[i * d + j];
                    sq += e * e;
                }
                if (sq < b1) {
                    b2 = b1;
                    j2 = j1;
                    b1 = sq;
                    j1 = i;
                } else if (sq < b2) {
                    b2 = sq;
                    j2 = i;
                }
            }
            r.i1[a] = j1;
            r.d1[a] = Math.sqrt(b1 / d);
            r.i2[a] = j2;
            r.d2[a] = Math.sqrt(b2 / d);
        }
        return r;
    }

    /** How often each of {@code n} indices occurs among {@code idx[from, to)}, as fractions. */
    public static double[] frequencies(int[] idx, int from, int to, int n) {
        double[] f = new double[n];
        for (int s = from; s < to; s++) {
            f[idx[s]] += 1;
        }
        for (int i = 0; i < n; i++) {
            f[i] /= (to - from);
        }
        return f;
    }

    /** Total-variation distance (1/2) sum_i |p_i - q_i|. */
    public static double totalVariation(double[] p, double[] q) {
        if (p.length != q.length) {
            throw new IllegalArgumentException("distributions over " + p.length + " and " + q.length + " outcomes");
        }
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            s += Math.abs(p[i] - q[i]);
        }
        return s / 2;
    }

    /**
     * The TV between p and the frequencies of {@code draws} independent draws from p itself: what a
     * perfect sampler of p scores, averaged over {@code replicates} seeded repetitions.
     *
     * @return {mean, 95th percentile} over the replicates
     */
    public static double[] samplingNoiseTv(double[] p, int draws, int replicates, long seed) {
        double[] cdf = new double[p.length];
        double c = 0;
        for (int i = 0; i < p.length; i++) {
            c += p[i];
            cdf[i] = c;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] tv = new double[replicates];
        int[] counts = new int[p.length];
        double[] f = new double[p.length];
        for (int r = 0; r < replicates; r++) {
            Arrays.fill(counts, 0);
            for (int k = 0; k < draws; k++) {
                int i = Arrays.binarySearch(cdf, rng.nextDouble() * c);
                i = i >= 0 ? i : -i - 1;
                counts[Math.min(i, p.length - 1)]++;
            }
            for (int i = 0; i < p.length; i++) {
                f[i] = (double) counts[i] / draws;
            }
            tv[r] = totalVariation(f, p);
        }
        Arrays.sort(tv);
        return new double[] {Arrays.stream(tv).average().orElseThrow(),
                tv[Math.min(replicates - 1, (int) Math.ceil(0.95 * replicates) - 1)]};
    }
}
