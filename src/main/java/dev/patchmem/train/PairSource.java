package dev.patchmem.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** Training pairs (x_dst, x_src) drawn uniformly with replacement, from the engine's seeded generator. */
public interface PairSource {

    /** A batch: {x_dst (B, ...), x_src (B, ...)} with x_src null for unconditional data; owned by {@code m}. */
    NDArray[] batch(NDManager m, int batchSize);

    /** Number of pairs N. */
    int size();

    /** Pairs held as two device arrays; a row of {@code dst} pairs with the same row of {@code src}. */
    record Arrays(NDArray dst, NDArray src) implements PairSource {
        @Override
        public NDArray[] batch(NDManager m, int batchSize) {
            NDArray idx = m.randomInteger(0, size(), new ai.djl.ndarray.types.Shape(batchSize),
                    ai.djl.ndarray.types.DataType.INT64);
            NDArray d = dst.get(idx);
            d.attach(m);
            NDArray s = null;
            if (src != null) {
                s = src.get(idx);
                s.attach(m);
            }
            return new NDArray[] {d, s};
        }

        @Override
        public int size() {
            return Math.toIntExact(dst.getShape().get(0));
        }
    }
}
