package dev.patchmem.eval;

/** The reference: every distance by a plain double loop. */
final class BruteNearest {

    private BruteNearest() {
    }

    /** d = ||a_r - b_i|| / sqrt(D) for all pairs, (M, N). */
    static double[][] distances(float[] a, float[] b, int d) {
        int m = a.length / d;
        int n = b.length / d;
        double[][] out = new double[m][n];
        for (int r = 0; r < m; r++) {
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    double diff = (double) a[r * d + j] - b[i * d + j];
                    s += diff * diff;
                }
                out[r][i] = Math.sqrt(s / d);
            }
        }
        return out;
    }

    /** Indices of the two smallest values of {@code row}, ties to the lower index. */
    static int[] twoNearest(double[] row) {
        int first = -1;
        int second = -1;
        for (int i = 0; i < row.length; i++) {
            if (first < 0 || row[i] < row[first]) {
                second = first;
                first = i;
            } else if (second < 0 || row[i] < row[second]) {
                second = i;
            }
        }
        return new int[] {first, second};
    }
}
