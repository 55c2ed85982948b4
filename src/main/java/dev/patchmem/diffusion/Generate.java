package dev.patchmem.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.patchmem.io.NpyArray;
import java.util.function.LongConsumer;

/**
 * Draws K samples for each of Q conditions in batches of any size: sample k of condition q always
 * gets the noise stream of (seed, q, k), so the result does not depend on the batch size.
 */
public final class Generate {

    private Generate() {
    }

    /**
     * @param conditions (Q, ...) conditions, or null with {@code count} unconditional "conditions"
     * @param rowShape   shape of one sample
     * @param progress   told the number of samples done after each batch (may be null)
     * @return (Q * K, rowShape...), condition-major: row q * K + k is sample k of condition q
     */
    public static NpyArray samples(Denoiser d, NoiseSchedule s, Sampler sampler, NpyArray conditions, int count,
                                   Shape rowShape, int perCondition, long seed, int batch, NDManager m,
                                   LongConsumer progress) {
        int q = conditions == null ? count : conditions.rows();
        int total = q * perCondition;
        int rowSize = Math.toIntExact(rowShape.size());
        float[] out = new float[total * rowSize];
        for (int start = 0; start < total; start += batch) {
            int b = Math.min(batch, total - start);
            int[] cond = new int[b];
            int[] idx = new int[b];
            for (int i = 0; i < b; i++) {
                cond[i] = (start + i) / perCondition;
                idx[i] = (start + i) % perCondition;
            }
            try (NDManager sm = m.newSubManager()) {
                NDArray c = conditions == null ? null : gather(sm, conditions, cond);
                NDArray x = sampler.sample(d, s, c, rowShape, NoiseStreams.of(seed, cond, idx), sm);
                float[] v = x.toFloatArray();
                System.arraycopy(v, 0, out, start * rowSize, v.length);
            }
            if (progress != null) {
                progress.accept(start + b);
            }
        }
        long[] shape = new long[rowShape.dimension() + 1];
        shape[0] = total;
        System.arraycopy(rowShape.getShape(), 0, shape, 1, rowShape.dimension());
        return new NpyArray(shape, out);
    }

    /** Rows {@code rows} of {@code a} as a device array. */
    public static NDArray gather(NDManager m, NpyArray a, int[] rows) {
        int d = a.rowSize();
        float[] v = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(a.data(), rows[i] * d, v, i * d, d);
        }
        long[] shape = a.shape();
        shape[0] = rows.length;
        return m.create(v, new Shape(shape));
    }
}
