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

    /** Up to this many bins the bin index comes from a table of B^2 + 1 entries instead of a square root. */
    static final int MAX_TABLE_BINS = 256;

    private final int rows;
    private final int k;
    private final int binCount;
    private final float binScaleF;
    private final int[] sqrtTable;
    private final int dimension;
    private final float[] candD2;
    private final int[] candIdx;
    private final int[] hist;
    private final int[] rawSlot;
    private final float[][] raw;
    private final ThreadLocal<Scratch> scratch;

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
        this.binScaleF = (float) bins.squaredScale(dimension);
        this.sqrtTable = binCount <= MAX_TABLE_BINS ? sqrtTable(binCount) : null;
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
        this.scratch = ThreadLocal.withInitial(Scratch::new);
    }

    /**
     * Scans a block of squared distances, row-major (count, nb): sample rows first .. first + count - 1
     * against training rows start .. start + nb - 1.
     */
    void scan(FloatBuffer block, int first, int count, int start, int nb) {
        IntStream.range(0, count).parallel().forEach(r -> scanRow(block, r, first + r, start, nb));
    }

    private void scanRow(FloatBuffer block, int r, int row, int start, int nb) {
        Scratch w = scratch.get().fit(nb, binCount);
        float[] buf = w.values;
        int[] local = w.counts;
        block.get(r * nb, buf, 0, nb);
        int c = row * k;
        float worst = candD2[c + k - 1];
        // four interleaved histograms: consecutive values often share a bin, and one histogram would
        // serialize on its read-modify-write of that bin
        int j = 0;
        for (; j + 3 < nb; j += 4) {
            float v0 = buf[j];
            float v1 = buf[j + 1];
            float v2 = buf[j + 2];
            float v3 = buf[j + 3];
            local[bin(v0)]++;
            local[binCount + bin(v1)]++;
            local[2 * binCount + bin(v2)]++;
            local[3 * binCount + bin(v3)]++;
            if (Math.min(Math.min(v0, v1), Math.min(v2, v3)) < worst) {
                worst = offer(c, buf, j, 4, start, worst);
            }
        }
        for (; j < nb; j++) {
            local[bin(buf[j])]++;
            if (buf[j] < worst) {
                worst = offer(c, buf, j, 1, start, worst);
            }
        }
        int h = row * binCount;
        for (int b = 0; b < binCount; b++) {
            hist[h + b] += local[b] + local[binCount + b] + local[2 * binCount + b] + local[3 * binCount + b];
        }
        int slot = rawSlot[row];
        if (slot >= 0) {
            for (int i = 0; i < nb; i++) {
                raw[slot][start + i] = (float) Math.sqrt(Math.max(buf[i], 0f) / dimension);
            }
        }
    }

    /**
     * The bin of squared distance v: floor(sqrt(v c)) capped at B - 1. For x >= 0,
     * floor(sqrt(x)) = floor(sqrt(floor(x))) (the bin edges k^2 are integers), so with few bins a
     * table over floor(x) replaces the square root.
     */
    private int bin(float v) {
        float x = Math.max(v, 0f) * binScaleF;
        if (sqrtTable != null) {
            return sqrtTable[Math.min((int) x, sqrtTable.length - 1)];
        }
        return Math.min((int) Math.sqrt(x), binCount - 1);
    }

    // Offers values j .. j + count - 1, in index order, to the candidates; returns the new worst.
    private float offer(int c, float[] buf, int j, int count, int start, float worst) {
        for (int i = j; i < j + count; i++) {
            if (buf[i] < worst) {
                insert(c, buf[i], start + i);
                worst = candD2[c + k - 1];
            }
        }
        return worst;
    }

    /** Per-thread buffers: one block row of values and four histograms. */
    private static final class Scratch {
        float[] values = new float[0];
        int[] counts = new int[0];

        Scratch fit(int nb, int bins) {
            if (values.length < nb) {
                values = new float[nb];
            }
            if (counts.length != 4 * bins) {
                counts = new int[4 * bins];
            } else {
                java.util.Arrays.fill(counts, 0);
            }
            return this;
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

    // table[i] = min(floor(sqrt(i)), B - 1) for i = 0 .. B^2; the last entry catches everything beyond.
    private static int[] sqrtTable(int bins) {
        int[] t = new int[bins * bins + 1];
        for (int k = 0; k < bins; k++) {
            java.util.Arrays.fill(t, k * k, Math.min((k + 1) * (k + 1), t.length), k);
        }
        t[t.length - 1] = bins - 1;
        return t;
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
