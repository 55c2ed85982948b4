package dev.patchmem.kernel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.patchmem.io.NpyArray;

/**
 * Gaussian kernel regression on the training pairs (DESIGN.md, "The claim"):
 *
 * <pre>
 *   P(i | c) = softmax_i( -||c - x_src^(i)||^2 / (2 sigmaAug^2) )          (posterior weights)
 *   m(c)     = sum_i P(i | c) x_dst^(i)                                    (Nadaraya-Watson mean)
 * </pre>
 *
 * The term ||c||^2 is the same for every i and drops out of the softmax, so the logits are
 * (c'.x'_i - ||x'_i||^2 / 2) / sigmaAug^2 with c', x' centered: one matrix product per block of
 * training rows, streamed by {@link KernelSoftmax}. Any sigmaAug in [1e-15, inf) works: tiny values
 * give one-hot weights (no NaN), huge ones uniform weights. With float32 products the logit error
 * corresponds to about 1e-7 ||x'||^2 in squared distance, so two training conditions closer than that
 * to being equidistant from c are not told apart.
 */
public final class PosteriorWeights {

    /** Smallest sigmaAug accepted: 1 / sigmaAug^2 and the logits stay finite in float32. */
    public static final double MIN_SIGMA = 1e-15;

    /**
     * Host result for Q conditions.
     *
     * @param weights P(i | c_q), (Q, N) row-major, or null when not asked for
     * @param mean    Nadaraya-Watson mean, (Q, Dy) row-major
     * @param q       number of conditions Q
     * @param n       number of training pairs N
     */
    public record Posterior(float[] weights, float[] mean, int q, int n) {
    }

    private PosteriorWeights() {
    }

    /**
     * Weights and mean for the conditions {@code c} (Q, ...) given on the host.
     *
     * @param withWeights whether to return the (Q, N) weight matrix (else only the mean)
     */
    public static Posterior compute(TrainingPairs pairs, NpyArray c, double sigmaAug, boolean withWeights) {
        try (NDManager m = pairs.manager().newSubManager()) {
            NDArray cond = m.create(c.data(), new Shape(c.rows(), c.rowSize()));
            return compute(pairs, cond, sigmaAug, withWeights);
        }
    }

    /** Weights and mean for the conditions {@code c} (Q, ...) on the device of {@code pairs}. */
    public static Posterior compute(TrainingPairs pairs, NDArray c, double sigmaAug, boolean withWeights) {
        int q = Math.toIntExact(c.getShape().get(0));
        int n = pairs.size();
        float[] weights = null;
        if (withWeights) {
            long cells = (long) q * n;
            if (cells > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("weight matrix " + q + " x " + n + " is too large for one array;"
                        + " ask for fewer conditions at a time");
            }
            weights = new float[(int) cells];
        }
        try (NDManager m = pairs.manager().newSubManager()) {
            NDArray query = query(m, pairs, c, sigmaAug);
            KernelSoftmax.Moments mo = KernelSoftmax.moments(m, query, pairs.posteriorKeys(), true);
            NDArray mean = mo.mean().add(pairs.dstMean());
            if (withWeights) {
                KernelSoftmax.weights(m, query, mo.logSumExp(), pairs.posteriorKeys(), KernelSoftmax.into(weights, n));
            }
            return new Posterior(weights, mean.toFloatArray(), q, n);
        }
    }

    /** Nadaraya-Watson mean (Q, dst shape) for conditions {@code c} (Q, ...), in {@code c}'s manager. */
    public static NDArray mean(TrainingPairs pairs, NDArray c, double sigmaAug) {
        int q = Math.toIntExact(c.getShape().get(0));
        NDManager owner = c.getManager();
        try (NDManager m = pairs.manager().newSubManager()) {
            NDArray query = query(m, pairs, c, sigmaAug);
            KernelSoftmax.Moments mo = KernelSoftmax.moments(m, query, pairs.posteriorKeys(), true);
            NDArray mean = mo.mean().add(pairs.dstMean()).reshape(shapeOf(q, pairs.dstShape()));
            mean.attach(owner);
            return mean;
        }
    }

    /** Log of the normalizer, log sum_i exp(logit_i), (Q, 1): pass 1 only. Used by the sampler. */
    static KernelSoftmax.Moments moments(NDManager m, TrainingPairs pairs, NDArray query) {
        return KernelSoftmax.moments(m, query, pairs.posteriorKeys(), false);
    }

    /**
     * The query rows [c' / sigmaAug^2, 1 / sigmaAug^2] (Q, Dx + 1), in {@code m}; {@code c} is
     * attached to {@code m} until {@code m} closes.
     */
    static NDArray query(NDManager m, TrainingPairs pairs, NDArray c, double sigmaAug) {
        checkSigma(sigmaAug);
        if (!pairs.conditional()) {
            throw new IllegalArgumentException("posterior weights need training conditions x_src");
        }
        int q = Math.toIntExact(c.getShape().get(0));
        long dx = c.size() / Math.max(q, 1);
        if (dx != pairs.srcSize() || c.getShape().dimension() < 2) {
            throw new IllegalArgumentException("conditions have shape " + c.getShape() + "; the training conditions"
                    + " have " + pairs.srcSize() + " values per row");
        }
        float inv = (float) (1.0 / (sigmaAug * sigmaAug));
        m.tempAttachAll(c);
        NDArray centered = c.reshape(q, dx).sub(pairs.srcMean()).muli(inv);
        NDArray ones = m.full(new Shape(q, 1), inv);
        NDArray query = centered.concat(ones, 1);
        return query;
    }

    /** Rejects sigmaAug outside [MIN_SIGMA, inf). */
    public static void checkSigma(double sigmaAug) {
        if (!(sigmaAug >= MIN_SIGMA) || Double.isInfinite(sigmaAug)) {
            throw new IllegalArgumentException("sigma_aug must be a finite number >= " + MIN_SIGMA + ", got "
                    + sigmaAug);
        }
    }

    static Shape shapeOf(long lead, long[] rest) {
        long[] s = new long[rest.length + 1];
        s[0] = lead;
        System.arraycopy(rest, 0, s, 1, rest.length);
        return new Shape(s);
    }
}
