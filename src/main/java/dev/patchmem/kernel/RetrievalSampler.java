package dev.patchmem.kernel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.patchmem.io.NpyArray;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws training indices i ~ P(i | c) (DESIGN.md): what a perfectly memorizing conditional model
 * returns for condition c. Inverse-CDF sampling over the blocked weights, so the (Q, N) matrix is
 * never held: pass 1 finds the normalizer, pass 2 walks the cumulative sum block by block.
 *
 * <p>Each condition q draws from its own stream, seeded by (seed, q), so a condition's draws do
 * not depend on which other conditions share the call.
 */
public final class RetrievalSampler {

    private RetrievalSampler() {
    }

    /**
     * @param pairs        training pairs with conditions
     * @param c            conditions (Q, ...) on the host
     * @param sigmaAug     kernel width
     * @param perCondition draws per condition, >= 1
     * @param seed         seed of the draws
     * @return indices (Q, perCondition), each in 0 .. N-1
     */
    public static int[][] sample(TrainingPairs pairs, NpyArray c, double sigmaAug, int perCondition, long seed) {
        try (NDManager m = pairs.manager().newSubManager()) {
            return sample(pairs, m.create(c.data(), new Shape(c.rows(), c.rowSize())), sigmaAug, perCondition, seed);
        }
    }

    /** As {@link #sample(TrainingPairs, NpyArray, double, int, long)} for conditions on the device. */
    public static int[][] sample(TrainingPairs pairs, NDArray c, double sigmaAug, int perCondition, long seed) {
        if (perCondition < 1) {
            throw new IllegalArgumentException("draws per condition must be >= 1, got " + perCondition);
        }
        int q = Math.toIntExact(c.getShape().get(0));
        Walk walk = new Walk(q, perCondition, seed);
        try (NDManager m = pairs.manager().newSubManager()) {
            NDArray query = PosteriorWeights.query(m, pairs, c, sigmaAug);
            try (KernelSoftmax.Moments mo = PosteriorWeights.moments(m, pairs, query)) {
                KernelSoftmax.weights(m, query, mo.logSumExp(), pairs.posteriorKeys(), walk::accept);
            }
        }
        return walk.finish();
    }

    /** The per-condition uniform draws, sorted, and the walk along the cumulative weights. */
    private static final class Walk {
        private final double[][] u;
        private final int[][] order;
        private final int[][] drawn;
        private final double[] cum;
        private final int[] next;
        private final int[] lastPositive;

        Walk(int q, int k, long seed) {
            u = new double[q][];
            order = new int[q][];
            drawn = new int[q][k];
            cum = new double[q];
            next = new int[q];
            lastPositive = new int[q];
            for (int r = 0; r < q; r++) {
                SplittableRandom rng = new SplittableRandom(mix(seed, r));
                double[] draws = new double[k];
                for (int j = 0; j < k; j++) {
                    draws[j] = rng.nextDouble();
                }
                Integer[] idx = new Integer[k];
                for (int j = 0; j < k; j++) {
                    idx[j] = j;
                }
                Arrays.sort(idx, (a, b) -> Double.compare(draws[a], draws[b]));
                order[r] = Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
                u[r] = Arrays.stream(order[r]).mapToDouble(j -> draws[j]).toArray();
            }
        }

        void accept(int start, NDArray weights) {
            int nb = Math.toIntExact(weights.getShape().get(1));
            FloatBuffer fb = weights.toByteBuffer(true).asFloatBuffer();
            float[] row = new float[nb];
            for (int r = 0; r < u.length; r++) {
                if (next[r] == u[r].length) {
                    continue;
                }
                fb.get(r * nb, row, 0, nb);
                double c = cum[r];
                int p = next[r];
                for (int j = 0; j < nb && p < u[r].length; j++) {
                    if (row[j] > 0) {
                        lastPositive[r] = start + j;
                    }
                    c += row[j];
                    while (p < u[r].length && u[r][p] < c) {
                        drawn[r][order[r][p++]] = start + j;
                    }
                }
                cum[r] = c;
                next[r] = p;
            }
        }

        // Draws beyond the float32 total (it can fall short of 1 by rounding) go to the last index with weight.
        int[][] finish() {
            for (int r = 0; r < u.length; r++) {
                for (int p = next[r]; p < u[r].length; p++) {
                    drawn[r][order[r][p]] = lastPositive[r];
                }
            }
            return drawn;
        }
    }

    /** Seed of condition {@code q}'s stream: the SplitMix64 finalizer of (seed, q). */
    static long mix(long seed, long q) {
        long z = seed + 0x9E3779B97F4A7C15L * (q + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
