package dev.patchmem.kernel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.patchmem.io.NpyArray;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The N training pairs (x_src^(i), x_dst^(i)) of the kernel model, on the device, in blocks of rows,
 * each row flattened. Both sides are centered on their training mean (the kernel weights are
 * shift-invariant; centering shrinks the norms and with them float32 cancellation in the
 * expanded squared distances). The key matrices that fold the squared norms into one matrix product
 * are built once, on first use, and kept.
 */
public final class TrainingPairs implements AutoCloseable {

    private final NDManager manager;
    private final NpyArray src;
    private final NpyArray dst;
    private final int n;
    private final int block;
    private final NDArray srcMean;
    private final NDArray dstMean;
    private final List<NDArray> dstBlocks = new ArrayList<>();
    private List<KernelSoftmax.Block> posteriorKeys;
    private List<KernelSoftmax.Block> jointKeys;
    private List<KernelSoftmax.Block> dstKeys;

    /**
     * @param parent manager whose device holds the pairs; a sub-manager owns them until {@link #close}
     * @param xSrc   conditions x_src, (N, ...), or null for an unconditional training set
     * @param xDst   targets x_dst, (N, ...)
     * @param block  training rows per block, >= 1
     */
    public TrainingPairs(NDManager parent, NpyArray xSrc, NpyArray xDst, int block) {
        if (block < 1) {
            throw new IllegalArgumentException("block must be >= 1, got " + block);
        }
        if (xDst.rows() < 1) {
            throw new IllegalArgumentException("the kernel model needs at least one training pair");
        }
        if (xSrc != null && xSrc.rows() != xDst.rows()) {
            throw new IllegalArgumentException("x_src has " + xSrc.rows() + " rows, x_dst has " + xDst.rows());
        }
        this.manager = parent.newSubManager();
        this.src = xSrc;
        this.dst = xDst;
        this.n = xDst.rows();
        this.block = block;
        this.srcMean = xSrc == null ? null : manager.create(columnMean(xSrc), new Shape(1, xSrc.rowSize()));
        this.dstMean = manager.create(columnMean(xDst), new Shape(1, xDst.rowSize()));
        for (int start = 0; start < n; start += block) {
            dstBlocks.add(centeredBlock(manager, xDst, dstMean, start, Math.min(block, n - start)));
        }
    }

    /** Number of training pairs N. */
    public int size() {
        return n;
    }

    /** Values per condition row, Dx (0 when unconditional). */
    public int srcSize() {
        return src == null ? 0 : src.rowSize();
    }

    /** Values per target row, Dy. */
    public int dstSize() {
        return dst.rowSize();
    }

    /** Shape of one target, without the leading N. */
    public long[] dstShape() {
        long[] s = dst.shape();
        return java.util.Arrays.copyOfRange(s, 1, s.length);
    }

    /** Whether conditions x_src are present. */
    public boolean conditional() {
        return src != null;
    }

    /** Training mean of x_src, (1, Dx). */
    NDArray srcMean() {
        return srcMean;
    }

    /** Training mean of x_dst, (1, Dy). */
    NDArray dstMean() {
        return dstMean;
    }

    NDManager manager() {
        return manager;
    }

    /** Blocks with keys [x'; -||x'||^2 / 2] (Dx + 1, n_b) and values y' (x', y' centered). */
    synchronized List<KernelSoftmax.Block> posteriorKeys() {
        requireConditional();
        if (posteriorKeys == null) {
            posteriorKeys = keys(true, false);
        }
        return posteriorKeys;
    }

    /** Blocks with keys [y'; x'; -||y'||^2 / 2; -||x'||^2 / 2] (Dy + Dx + 2, n_b) and values y'. */
    synchronized List<KernelSoftmax.Block> jointKeys() {
        requireConditional();
        if (jointKeys == null) {
            jointKeys = keys(true, true);
        }
        return jointKeys;
    }

    /** Blocks with keys [y'; -||y'||^2 / 2] (Dy + 1, n_b) and values y'. */
    synchronized List<KernelSoftmax.Block> dstKeys() {
        if (dstKeys == null) {
            dstKeys = keys(false, true);
        }
        return dstKeys;
    }

    private void requireConditional() {
        if (src == null) {
            throw new IllegalStateException("these training pairs have no conditions x_src");
        }
    }

    // Keys per block: the centered rows transposed, with -||row||^2 / 2 appended per part.
    private List<KernelSoftmax.Block> keys(boolean withSrc, boolean withDst) {
        List<KernelSoftmax.Block> out = new ArrayList<>();
        for (int b = 0; b < dstBlocks.size(); b++) {
            int start = b * block;
            int nb = Math.min(block, n - start);
            NDArray y = dstBlocks.get(b);
            NDArray keys;
            try (NDManager tmp = manager.newSubManager()) {
                NDList parts = new NDList();
                NDList norms = new NDList();
                NDArray x = null;
                if (withDst) {
                    tmp.tempAttachAll(y);
                    parts.add(y);
                    norms.add(y.square().sum(new int[] {1}, true).muli(-0.5f));
                }
                if (withSrc) {
                    x = centeredBlock(tmp, src, srcMean, start, nb);
                    parts.add(x);
                    norms.add(x.square().sum(new int[] {1}, true).muli(-0.5f));
                }
                parts.addAll(norms);
                keys = NDArrays.concat(parts, 1).transpose();
                manager.attachAll(keys);
            }
            out.add(new KernelSoftmax.Block(start, keys, y));
        }
        return out;
    }

    private static NDArray centeredBlock(NDManager m, NpyArray a, NDArray mean, int start, int rows) {
        int d = a.rowSize();
        FloatBuffer fb = FloatBuffer.wrap(a.data(), start * d, rows * d);
        NDArray x = m.create(fb, new Shape(rows, d));
        return x.subi(mean);
    }

    /** Column means of the rows of {@code a}, accumulated in double. */
    static float[] columnMean(NpyArray a) {
        int d = a.rowSize();
        int rows = a.rows();
        double[] sum = new double[d];
        float[] data = a.data();
        for (int r = 0; r < rows; r++) {
            int off = r * d;
            for (int j = 0; j < d; j++) {
                sum[j] += data[off + j];
            }
        }
        float[] mean = new float[d];
        for (int j = 0; j < d; j++) {
            mean[j] = (float) (sum[j] / rows);
        }
        return mean;
    }

    @Override
    public void close() {
        manager.close();
    }
}
