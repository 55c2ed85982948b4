package dev.patchmem.kernel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * The engine under every kernel computation: a softmax over the N training rows of logits that are
 * one matrix product, streamed over blocks of training rows (online log-sum-exp, Milakov and
 * Gimelshein 2018), so that memory is O(Q x block) and never O(Q x N).
 *
 * <p>For a query matrix q (Q, K) and a block of keys k (K, n_b), the logits are l = q k. Pass 1 keeps
 * per query row the running maximum m, the running sum s = sum_i exp(l_i - m) and the running
 * weighted sum a = sum_i exp(l_i - m) v_i; when a block raises m to m', s and a are rescaled by
 * exp(m - m'). Every exponent is <= 0, so nothing overflows, and the largest term is exp(0) = 1, so
 * s >= 1 and nothing divides by zero however peaked the softmax is. Pass 2 (only when the weights
 * themselves are wanted) recomputes each block's logits and returns exp(l - logSumExp).
 */
final class KernelSoftmax {

    /**
     * One block of training rows.
     *
     * @param start  index of the block's first training row
     * @param keysT  keys, (K, n_b): logits = query (Q, K) x keysT
     * @param values per-row values v_i, (n_b, Dv), or null when only weights are wanted
     */
    record Block(int start, NDArray keysT, NDArray values) {

        int size() {
            return Math.toIntExact(keysT.getShape().get(1));
        }
    }

    /** Receives the normalized weights of one block in pass 2. */
    @FunctionalInterface
    interface BlockConsumer {
        /**
         * @param start   index of the block's first training row
         * @param weights (Q, n_b) softmax weights; closed after the call returns
         */
        void accept(int start, NDArray weights);
    }

    /**
     * Result of pass 1, in the manager given to {@link #moments}.
     *
     * @param logSumExp (Q, 1): log sum_i exp(l_i)
     * @param mean      (Q, Dv): sum_i softmax_i(l) v_i, or null without values
     */
    record Moments(NDArray logSumExp, NDArray mean) implements AutoCloseable {
        @Override
        public void close() {
            logSumExp.close();
            if (mean != null) {
                mean.close();
            }
        }
    }

    private KernelSoftmax() {
    }

    /**
     * Pass 1: log-sum-exp and softmax-weighted mean of the values over all blocks.
     *
     * @param out        manager that receives the result
     * @param query      (Q, K), on the blocks' device
     * @param blocks     the training rows, in order
     * @param withValues whether to accumulate the weighted mean of the blocks' values
     */
    static Moments moments(NDManager out, NDArray query, List<Block> blocks, boolean withValues) {
        NDArray max = null;
        NDArray sum = null;
        NDArray acc = null;
        for (Block b : blocks) {
            try (NDManager bm = out.newSubManager()) {
                bm.tempAttachAll(query);
                if (max != null) {
                    // the previous running values die with this block's manager
                    bm.attachAll(max, sum);
                    if (acc != null) {
                        bm.attachAll(acc);
                    }
                }
                NDArray logits = query.matMul(b.keysT());
                NDArray blockMax = logits.max(new int[] {1}, true);
                NDArray newMax = max == null ? blockMax : max.maximum(blockMax);
                NDArray e = logits.subi(newMax).exp();
                NDArray newSum = e.sum(new int[] {1}, true);
                NDArray newAcc = withValues ? e.matMul(b.values()) : null;
                if (max != null) {
                    NDArray scale = max.sub(newMax).exp();
                    newSum.addi(sum.mul(scale));
                    if (withValues) {
                        newAcc.addi(acc.mul(scale));
                    }
                }
                out.attachAll(newMax, newSum);
                if (withValues) {
                    out.attachAll(newAcc);
                }
                max = newMax;
                sum = newSum;
                acc = newAcc;
            }
        }
        if (max == null) {
            throw new IllegalArgumentException("no training rows");
        }
        try (NDManager tmp = out.newSubManager()) {
            tmp.attachAll(max, sum);
            if (acc != null) {
                tmp.attachAll(acc);
            }
            NDArray lse = max.add(sum.log());
            NDArray mean = acc == null ? null : acc.div(sum);
            out.attachAll(lse);
            if (mean != null) {
                out.attachAll(mean);
            }
            return new Moments(lse, mean);
        }
    }

    /**
     * Pass 2: the normalized weights exp(l - logSumExp), block by block.
     *
     * @param scratch   manager for the per-block temporaries (a sub-manager is opened per block)
     * @param query     (Q, K)
     * @param logSumExp (Q, 1) from {@link #moments}
     */
    static void weights(NDManager scratch, NDArray query, NDArray logSumExp, List<Block> blocks,
                        BlockConsumer consumer) {
        for (Block b : blocks) {
            try (NDManager bm = scratch.newSubManager()) {
                bm.tempAttachAll(query, logSumExp);
                NDArray w = query.matMul(b.keysT()).subi(logSumExp).exp();
                consumer.accept(b.start(), w);
            }
        }
    }

    /** Copies block weights into a row-major (Q, N) host matrix. */
    static BlockConsumer into(float[] out, int n) {
        return (start, w) -> {
            int q = Math.toIntExact(w.getShape().get(0));
            int nb = Math.toIntExact(w.getShape().get(1));
            java.nio.FloatBuffer fb = w.toByteBuffer(true).asFloatBuffer();
            for (int r = 0; r < q; r++) {
                fb.get(r * nb, out, r * n + start, nb);
            }
        };
    }
}
