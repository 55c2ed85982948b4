package dev.patchmem.kernel;

import java.util.SplittableRandom;

/** Plain float64 double loops: the reference the kernel code is checked against. */
final class BruteForce {

    private BruteForce() {
    }

    /** P(i | c_q) for q < Q rows of {@code c} against N rows of {@code xs}, each of {@code d} values. */
    static double[][] posterior(float[] c, float[] xs, int d, double sigma) {
        int q = c.length / d;
        int n = xs.length / d;
        double[][] logits = new double[q][n];
        for (int r = 0; r < q; r++) {
            for (int i = 0; i < n; i++) {
                logits[r][i] = -sq(c, r, xs, i, d) / (2 * sigma * sigma);
            }
        }
        return softmax(logits);
    }

    /** Row-wise softmax with the maximum subtracted. */
    static double[][] softmax(double[][] logits) {
        double[][] w = new double[logits.length][];
        for (int r = 0; r < logits.length; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double l : logits[r]) {
                max = Math.max(max, l);
            }
            double sum = 0;
            w[r] = new double[logits[r].length];
            for (int i = 0; i < w[r].length; i++) {
                w[r][i] = Math.exp(logits[r][i] - max);
                sum += w[r][i];
            }
            for (int i = 0; i < w[r].length; i++) {
                w[r][i] /= sum;
            }
        }
        return w;
    }

    /** sum_i w[r][i] y_i, (Q, dy). */
    static double[][] mean(double[][] w, float[] ys, int dy) {
        double[][] m = new double[w.length][dy];
        for (int r = 0; r < w.length; r++) {
            for (int i = 0; i < w[r].length; i++) {
                for (int j = 0; j < dy; j++) {
                    m[r][j] += w[r][i] * ys[i * dy + j];
                }
            }
        }
        return m;
    }

    /** ||a_r - b_i||^2 in double. */
    static double sq(float[] a, int r, float[] b, int i, int d) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            double diff = (double) a[r * d + j] - b[i * d + j];
            s += diff * diff;
        }
        return s;
    }

    /** {@code count} values from N(0, scale^2). */
    static float[] gaussian(SplittableRandom rng, int count, double scale) {
        float[] x = new float[count];
        for (int i = 0; i < count; i++) {
            // Box-Muller; one value per pair is enough here
            double u = 1 - rng.nextDouble();
            double v = rng.nextDouble();
            x[i] = (float) (scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
        }
        return x;
    }
}
