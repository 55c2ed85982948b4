package dev.patchmem.eval;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The per-row bookkeeping of the blocked distance job, done in Java over each block's buffer of
 * squared distances in one pass: the histogram of d = sqrt(d^2 / D) and the K smallest d^2 with their
 * indices, merged across blocks. Training indices arrive in increasing order and a candidate only
 * displaces strictly larger values, so among equal values the lower index is kept. Rows are
 * independent and scanned in parallel.
 */
final class RowScan {

    private final int rows;
    private final int k;
    private final int binCount;
    private final double binScale;
    private final int dimension;
    private final float[] candD2;
    private final int[] candIdx;
    private final int[] hist;
    private final int[] rawSlot;
    private final float[][] raw;
    private final ThreadLocal<float[]> buffers;

    /**
     * @param rows      number of sample rows M
     * @param k         candidates kept per row
     * @param bins      histogram bins
     * @param dimension values per patch D
     * @param rawRows   rows whose distances to all {@code n} training rows are kept
     * @param n         training rows N
     */
    RowScan(int rows, int k, DistanceBins bins, int dimension, int[] rawRows, int n) {
        this.rows = rows;
        this.k = k;
        this.binCount = bins.count();
        this.binScale = bins.squaredScale(dimension);
        this.dimension = dimension;
        this.candD2 = new float[rows * k];
        this.candIdx = new int[rows * k];
        Arrays.fill(candD2, Float.POSITIVE_INFINITY);
        Arrays.fill(candIdx, -1);
        this.hist = new int[Math.multiplyExact(rows, binCount)];
        this.rawSlot = new int[rows];
        Arrays.fill(rawSlot, -1);
        this.raw = new float[rawRows.length][];
        for (int s = 0; s < rawRows.length; s++) {
            rawSlot[rawRows[s]] = s;
            raw[s] = new float[n];
        }
        this.buffers = ThreadLocal.withInitial(() -> new float[0]);
    }

    /**
     * Scans a block of squared distances, row-major (count, nb): sample rows first .. first + count - 1
     * against training rows start .. start + nb - 1.
     */
    void scan(FloatBuffer block, int first, int count, int start, int nb) {
        IntStream.range(0, count).parallel().forEach(r -> scanRow(block, r, first + r, start, nb));
    }

    private void scanRow(FloatBuffer block, int r, int row, int start, int nb) {
        float[] buf = buffers.get();
        if (buf.length < nb) {
            buf = new float[nb];
            buffers.set(buf);
        }
        block.get(r * nb, buf, 0, nb);
        int h = row * binCount;
        int c = row * k;
        int last = binCount - 1;
        float worst = candD2[c + k - 1];
        for (int j = 0; j < nb; j++) {
            float v = buf[j];
            int bin = (int) Math.sqrt(Math.max(v, 0f) * binScale);
            hist[h + Math.min(bin, last)]++;
            if (v < worst) {
                insert(c, v, start + j);
                worst = candD2[c + k - 1];
            }
        }
        int slot = rawSlot[row];
        if (slot >= 0) {
            for (int j = 0; j < nb; j++) {
                raw[slot][start + j] = (float) Math.sqrt(Math.max(buf[j], 0f) / dimension);
            }
        }
    }

    // Sorted insert after any equal values (those have lower indices), dropping the largest.
    private void insert(int c, float v, int index) {
        int p = c + k - 1;
        while (p > c && candD2[p - 1] > v) {
            candD2[p] = candD2[p - 1];
            candIdx[p] = candIdx[p - 1];
            p--;
        }
        candD2[p] = v;
        candIdx[p] = index;
    }

    /** The candidate training indices of {@code row} (-1 for unused slots), by approximate d^2. */
    int[] candidates(int row) {
        return Arrays.copyOfRange(candIdx, row * k, row * k + k);
    }

    /** Histogram counts, (M, B) row-major. */
    int[] histograms() {
        return hist;
    }

    /** Raw d per requested row, (R, N). */
    float[][] raw() {
        return raw;
    }

    /** The raw slot of {@code row}, or -1. */
    int rawSlot(int row) {
        return rawSlot[row];
    }

    int rows() {
        return rows;
    }
}
