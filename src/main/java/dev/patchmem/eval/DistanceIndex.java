package dev.patchmem.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.patchmem.io.NpyArray;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The N training patches, ready for blocked squared distances at GEMM speed (DJL-NOTES, "Distances
 * at GEMM speed"). With a' = a - mu, b' = b - mu (mu the training mean; distances are
 * shift-invariant and centering cuts float32 cancellation),
 *
 * <pre>
 *   ||a - b||^2 = ||a'||^2 - 2 a'.b' + ||b'||^2 = [a', ||a'||^2, 1] . [-2 b', 1, ||b'||^2],
 * </pre>
 *
 * so one matrix product per block gives the squared distances directly. The training side
 * [-2 b', 1, ||b'||^2] is built once here, per block of rows, and kept on the device; the sample side
 * once per search. The blocked values serve the histogram and the candidate search only: the nearest
 * candidates' d^2 are recomputed exactly, in double, from the original values, and ranked by
 * (d^2, index).
 */
public final class DistanceIndex implements AutoCloseable {

    /** Candidates per sample kept from the float32 pass for the exact re-ranking (top-2 plus margin). */
    public static final int CANDIDATES = 4;

    private final NDManager manager;
    private final NpyArray train;
    private final int n;
    private final int dimension;
    private final int block;
    private final float[] mean;
    private final List<NDArray> keysT = new ArrayList<>();

    /**
     * @param parent manager whose device computes; a sub-manager holds the index until {@link #close}
     * @param train  training patches (N, ...), N >= 2
     * @param block  training rows per block; memory of a search is O(rows x block)
     */
    public DistanceIndex(NDManager parent, NpyArray train, int block) {
        if (train.rows() < 2) {
            throw new IllegalArgumentException("nearest-neighbour ratios need at least 2 training patches, got "
                    + train.rows());
        }
        if (block < 1) {
            throw new IllegalArgumentException("block must be >= 1, got " + block);
        }
        requireFinite(train, "training patches");
        this.manager = parent.newSubManager();
        this.train = train;
        this.n = train.rows();
        this.dimension = train.rowSize();
        this.block = block;
        this.mean = columnMean(train);
        try (NDManager tmp = manager.newSubManager()) {
            NDArray mu = tmp.create(mean, new Shape(1, dimension));
            for (int start = 0; start < n; start += block) {
                int nb = Math.min(block, n - start);
                try (NDManager bm = tmp.newSubManager()) {
                    NDArray b = bm.create(FloatBuffer.wrap(train.data(), start * dimension, nb * dimension),
                            new Shape(nb, dimension));
                    b.subi(mu);
                    NDArray norms = b.square().sum(new int[] {1}, true);
                    NDArray keys = b.mul(-2f).concat(bm.ones(new Shape(nb, 1)), 1).concat(norms, 1);
                    NDArray t = keys.transpose();
                    manager.attachAll(t);
                    keysT.add(t);
                }
            }
        }
    }

    /** Number of training patches N. */
    public int size() {
        return n;
    }

    /** Values per patch D. */
    public int dimension() {
        return dimension;
    }

    /**
     * Nearest neighbours, histograms and raw distances of {@code samples} (M, ...) with the same
     * values per row as the training patches.
     *
     * @param rowChunk samples per pass over the training set; memory is O(rowChunk x block)
     */
    public NearestNeighbors search(NpyArray samples, DistanceBins bins, int[] rawRows, int rowChunk,
                                   Progress progress) {
        if (samples.rowSize() != dimension) {
            throw new IllegalArgumentException("samples have " + samples.rowSize() + " values per row, training"
                    + " patches " + dimension);
        }
        requireFinite(samples, "samples");
        int m = samples.rows();
        rawRows = IntStream.of(rawRows).distinct().toArray();
        for (int r : rawRows) {
            if (r < 0 || r >= m) {
                throw new IllegalArgumentException("raw row " + r + " outside 0.." + (m - 1));
            }
        }
        long t0 = System.nanoTime();
        RowScan scan = new RowScan(m, CANDIDATES, bins, dimension, rawRows, n);
        long total = (long) m * n;
        long done = 0;
        // one block of distances must fit one buffer of at most 2^31 - 1 bytes
        int chunk = Math.max(1, Math.min(rowChunk, (Integer.MAX_VALUE / 4) / block));
        for (int first = 0; first < m; first += chunk) {
            int count = Math.min(chunk, m - first);
            try (NDManager cm = manager.newSubManager()) {
                NDArray gen = sampleRows(cm, samples, first, count);
                for (int b = 0; b < keysT.size(); b++) {
                    int start = b * block;
                    try (NDManager bm = cm.newSubManager()) {
                        bm.tempAttachAll(gen);
                        NDArray d2 = gen.matMul(keysT.get(b));
                        int nb = Math.toIntExact(d2.getShape().get(1));
                        scan.scan(d2.toByteBuffer(true).asFloatBuffer(), first, count, start, nb);
                        done += (long) count * nb;
                    }
                    progress.update(done, total, (System.nanoTime() - t0) / 1e9);
                }
            }
        }
        return finish(samples, scan, bins, rawRows, (System.nanoTime() - t0) / 1e9);
    }

    // [a', ||a'||^2, 1] for sample rows first .. first + count - 1.
    private NDArray sampleRows(NDManager cm, NpyArray samples, int first, int count) {
        NDArray a = cm.create(FloatBuffer.wrap(samples.data(), first * dimension, count * dimension),
                new Shape(count, dimension));
        a.subi(cm.create(mean, new Shape(1, dimension)));
        NDArray norms = a.square().sum(new int[] {1}, true);
        return NDArrays.concat(new NDList(a, norms, cm.ones(new Shape(count, 1))), 1);
    }

    // Exact d^2 for every candidate, in double from the original values; the two smallest by (d^2, index).
    private NearestNeighbors finish(NpyArray samples, RowScan scan, DistanceBins bins, int[] rawRows,
                                    double seconds) {
        int m = samples.rows();
        int[] i1 = new int[m];
        int[] i2 = new int[m];
        double[] d1 = new double[m];
        double[] d2 = new double[m];
        float[][] raw = scan.raw();
        IntStream.range(0, m).parallel().forEach(r -> {
            int[] cand = scan.candidates(r);
            long[] order = new long[cand.length];
            double[] exact = new double[cand.length];
            int used = 0;
            for (int c : cand) {
                if (c >= 0) {
                    exact[used] = squaredDistance(samples.data(), r, train.data(), c, dimension);
                    order[used] = c;
                    used++;
                }
            }
            Integer[] idx = new Integer[used];
            for (int j = 0; j < used; j++) {
                idx[j] = j;
            }
            Arrays.sort(idx, (x, y) -> exact[x] != exact[y] ? Double.compare(exact[x], exact[y])
                    : Long.compare(order[x], order[y]));
            i1[r] = (int) order[idx[0]];
            i2[r] = (int) order[idx[1]];
            d1[r] = Math.sqrt(exact[idx[0]] / dimension);
            d2[r] = Math.sqrt(exact[idx[1]] / dimension);
            int slot = scan.rawSlot(r);
            if (slot >= 0) {
                for (int j = 0; j < used; j++) {
                    raw[slot][(int) order[j]] = (float) Math.sqrt(exact[j] / dimension);
                }
            }
        });
        return new NearestNeighbors(m, n, dimension, bins, i1, d1, i2, d2, scan.histograms(), rawRows.clone(), raw,
                seconds);
    }

    private static void requireFinite(NpyArray a, String what) {
        float[] v = a.data();
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new IllegalArgumentException(what + " hold " + v[i] + " at row " + i / Math.max(1, a.rowSize()));
            }
        }
    }

    /** ||a_r - b_i||^2 accumulated in double. */
    static double squaredDistance(float[] a, int r, float[] b, int i, int d) {
        double s = 0;
        int ao = r * d;
        int bo = i * d;
        for (int j = 0; j < d; j++) {
            double diff = (double) a[ao + j] - b[bo + j];
            s += diff * diff;
        }
        return s;
    }

    private static float[] columnMean(NpyArray a) {
        int d = a.rowSize();
        double[] sum = new double[d];
        float[] data = a.data();
        for (int r = 0; r < a.rows(); r++) {
            for (int j = 0; j < d; j++) {
                sum[j] += data[r * d + j];
            }
        }
        float[] mean = new float[d];
        for (int j = 0; j < d; j++) {
            mean[j] = (float) (sum[j] / a.rows());
        }
        return mean;
    }

    @Override
    public void close() {
        manager.close();
    }
}
