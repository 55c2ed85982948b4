package dev.patchmem.eval;

/**
 * Distances from M generated samples to all N training patches: the two nearest per sample, the
 * histogram of d over all N, and raw distances for a few samples. Distances are
 * d = ||g - x||_2 / sqrt(D); d1 and d2 are exact (recomputed in double), histogram and raw values
 * come from the blocked float32 product (error far below a bin width).
 *
 * @param samples    M
 * @param pairs      N
 * @param dimension  D
 * @param bins       histogram bins
 * @param i1         index of the nearest training patch, ties to the lower index
 * @param d1         its distance
 * @param i2         index of the second nearest
 * @param d2         its distance
 * @param histograms counts per sample and bin, (M, B) row-major; each row sums to N
 * @param rawRows    samples whose distances to all N are kept
 * @param raw        those distances, (R, N)
 * @param seconds    wall time of the search (excluding building the index)
 */
public record NearestNeighbors(int samples, int pairs, int dimension, DistanceBins bins, int[] i1, double[] d1,
                               int[] i2, double[] d2, int[] histograms, int[] rawRows, float[][] raw,
                               double seconds) {

    /** d1 / d2 of sample {@code r} (see {@link Memorization#ratio}). */
    public double ratio(int r) {
        return Memorization.ratio(d1[r], d2[r]);
    }

    /** Whether sample {@code r} is memorized. */
    public boolean memorized(int r) {
        return Memorization.memorized(ratio(r));
    }

    /** Number of memorized samples. */
    public int memorizedCount() {
        int c = 0;
        for (int r = 0; r < samples; r++) {
            c += memorized(r) ? 1 : 0;
        }
        return c;
    }

    /** Fraction of memorized samples. */
    public double memorizationRatio() {
        return samples == 0 ? 0 : (double) memorizedCount() / samples;
    }

    /** Sample-training pairs compared per second. */
    public double pairsPerSecond() {
        return (double) samples * pairs / seconds;
    }
}
