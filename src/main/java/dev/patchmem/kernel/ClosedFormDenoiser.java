package dev.patchmem.kernel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.patchmem.diffusion.Denoiser;
import dev.patchmem.diffusion.NoiseSchedule;
import java.util.List;

/**
 * The optimal denoiser of the empirical, condition-augmented training set (DESIGN.md): the model a
 * perfectly memorizing network converges to,
 *
 * <pre>
 *   E[x_0 | x_t, c] = sum_i w_i x_dst^(i),
 *   w = softmax_i( -||x_t - sqrt(alphaBar_t) x_dst^(i)||^2 / (2 (1 - alphaBar_t))
 *                  -||c - x_src^(i)||^2 / (2 sigmaAug^2) ).
 * </pre>
 *
 * With c null (an unconditional training set, or to ignore the condition) the second term is
 * dropped. Terms constant in i (||x_t||^2, ||c||^2) leave the softmax unchanged and are not computed,
 * so per block the logits are one product of the query rows
 * [a_b u_b, c'_b / sigmaAug^2, g_b, 1 / sigmaAug^2] with the keys [y'; x'; -||y'||^2/2; -||x'||^2/2],
 * where a_b = sqrt(alphaBar) / (1 - alphaBar), g_b = alphaBar / (1 - alphaBar), u_b = x_t -
 * sqrt(alphaBar) mean(x_dst) and primes denote centered training rows. Works for any data shape: rows
 * are flattened (toy (B, 2) points and (B, 3, P, P) patches alike).
 */
public final class ClosedFormDenoiser implements Denoiser {

    private final NoiseSchedule schedule;
    private final TrainingPairs pairs;
    private final double sigmaAug;

    /**
     * @param schedule the forward process whose alphaBar_t the sampler uses
     * @param pairs    training pairs (x_src may be absent: then only unconditional calls work)
     * @param sigmaAug condition-noise scale used in training; ignored for unconditional calls
     */
    public ClosedFormDenoiser(NoiseSchedule schedule, TrainingPairs pairs, double sigmaAug) {
        if (pairs.conditional()) {
            PosteriorWeights.checkSigma(sigmaAug);
        }
        this.schedule = schedule;
        this.pairs = pairs;
        this.sigmaAug = sigmaAug;
    }

    /** {@inheritDoc} The estimate comes back in {@code xt}'s manager. */
    @Override
    public NDArray denoise(NDArray xt, NDArray t, NDArray c) {
        NDManager owner = xt.getManager();
        Shape shape = xt.getShape();
        try (NDManager m = pairs.manager().newSubManager()) {
            NDArray query = query(m, xt, t, c);
            KernelSoftmax.Moments mo = KernelSoftmax.moments(m, query, keys(c), true);
            NDArray x0 = mo.mean().add(pairs.dstMean()).reshape(shape);
            x0.attach(owner);
            return x0;
        }
    }

    /**
     * The weights w (B, N) of the estimate, row-major on the host: for checks and for comparing a
     * network with this model.
     */
    public float[] weights(NDArray xt, NDArray t, NDArray c) {
        int b = Math.toIntExact(xt.getShape().get(0));
        float[] w = new float[Math.multiplyExact(b, pairs.size())];
        try (NDManager m = pairs.manager().newSubManager()) {
            NDArray query = query(m, xt, t, c);
            try (KernelSoftmax.Moments mo = KernelSoftmax.moments(m, query, keys(c), false)) {
                KernelSoftmax.weights(m, query, mo.logSumExp(), keys(c), KernelSoftmax.into(w, pairs.size()));
            }
        }
        return w;
    }

    private List<KernelSoftmax.Block> keys(NDArray c) {
        return c == null ? pairs.dstKeys() : pairs.jointKeys();
    }

    // Query rows (B, Dy [+ Dx] + 1 [+ 1]) in m; xt, t and c are attached to m until it closes.
    private NDArray query(NDManager m, NDArray xt, NDArray t, NDArray c) {
        int b = Math.toIntExact(xt.getShape().get(0));
        int dy = pairs.dstSize();
        if (xt.size() != (long) b * dy) {
            throw new IllegalArgumentException("x_t has shape " + xt.getShape() + "; training targets have " + dy
                    + " values per row");
        }
        if (c != null && !pairs.conditional()) {
            throw new IllegalArgumentException("a condition was given but the training pairs have no x_src");
        }
        if (c != null && c.size() != (long) b * pairs.srcSize()) {
            throw new IllegalArgumentException("condition has shape " + c.getShape() + "; training conditions have "
                    + pairs.srcSize() + " values per row, for " + b + " rows");
        }
        int[] steps = timesteps(t, b);
        float[] sqrtAb = new float[b];
        float[] a = new float[b];
        float[] g = new float[b];
        for (int r = 0; r < b; r++) {
            double ab = schedule.alphaBar(steps[r]);
            sqrtAb[r] = (float) Math.sqrt(ab);
            a[r] = (float) (Math.sqrt(ab) / (1 - ab));
            g[r] = (float) (ab / (1 - ab));
        }
        m.tempAttachAll(xt);
        NDArray u = xt.reshape(b, dy).sub(m.create(sqrtAb, new Shape(b, 1)).mul(pairs.dstMean()));
        NDArray first = u.muli(m.create(a, new Shape(b, 1)));
        NDArray gCol = m.create(g, new Shape(b, 1));
        if (c == null) {
            return first.concat(gCol, 1);
        }
        m.tempAttachAll(c);
        float inv = (float) (1.0 / (sigmaAug * sigmaAug));
        NDArray second = c.reshape(b, pairs.srcSize()).sub(pairs.srcMean()).muli(inv);
        NDArray invCol = m.full(new Shape(b, 1), inv);
        return first.concat(second, 1).concat(gCol, 1).concat(invCol, 1);
    }

    private int[] timesteps(NDArray t, int b) {
        if (t.size() != b) {
            throw new IllegalArgumentException("t has shape " + t.getShape() + "; expected (" + b + ",)");
        }
        int[] steps;
        if (t.getDataType() == DataType.INT64) {
            steps = java.util.Arrays.stream(t.toLongArray()).mapToInt(Math::toIntExact).toArray();
        } else if (t.getDataType() == DataType.INT32) {
            steps = t.toIntArray();
        } else {
            throw new IllegalArgumentException("t must be int32 or int64, got " + t.getDataType());
        }
        for (int s : steps) {
            if (s < 0 || s >= schedule.steps()) {
                throw new IllegalArgumentException("timestep " + s + " outside 0.." + (schedule.steps() - 1));
            }
        }
        return steps;
    }
}
