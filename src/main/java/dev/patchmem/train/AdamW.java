package dev.patchmem.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.patchmem.io.NpyArray;
import dev.patchmem.model.Params;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter 2019) with its state in the open: first and second moments keyed by
 * parameter name and the step count, so a checkpoint restores it exactly. The update itself is
 * libtorch's fused Adam kernel through DJL (bias correction folded into the step size, decoupled
 * weight decay).
 */
public final class AdamW {

    private final Params params;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final NDArray m;
    private final NDArray v;
    private long count;

    /** Zero-initialised moments for the packed vector of {@code params} ({@link Params#flat()}), owned by {@code manager}. */
    public AdamW(Params params, NDManager manager, double beta1, double beta2, double eps, double weightDecay) {
        this.params = params;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        NDArray flat = params.flat();
        this.m = manager.zeros(flat.getShape());
        this.v = manager.zeros(flat.getShape());
    }

    /**
     * One update of the whole parameter vector with {@code grad} (laid out as {@link Params#flat()})
     * scaled by {@code gradScale} (global-norm clipping) at learning rate {@code lr}.
     */
    public void step(NDArray grad, double lr, double gradScale) {
        count++;
        double c1 = 1 - Math.pow(beta1, count);
        double c2 = 1 - Math.pow(beta2, count);
        float lrCorrected = (float) (lr * Math.sqrt(c2) / c1);
        // Without weight decay the decoupled branch of the kernel, w -= lr * 0 * w, is an exact no-op that
        // costs three tensor ops; the coupled branch adds 0 * w to the gradient (exact too) in one. A
        // negative clip skips the kernel's clamp, which at Float.MAX_VALUE changed no finite value.
        boolean decoupled = weightDecay != 0;
        JniUtils.adamUpdate((PtNDArray) params.flat(), (PtNDArray) grad, (PtNDArray) m, (PtNDArray) v, (float) lr,
                lrCorrected, (float) weightDecay, (float) gradScale, -1f, (float) beta1, (float) beta2, (float) eps,
                decoupled);
    }

    /** Updates taken so far. */
    public long count() {
        return count;
    }

    /** The state as named host arrays: "m/NAME", "v/NAME". */
    public Map<String, NpyArray> snapshot() {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        params.split(m.toFloatArray()).forEach((k, a) -> out.put("m/" + k, a));
        params.split(v.toFloatArray()).forEach((k, a) -> out.put("v/" + k, a));
        return out;
    }

    /** Restores the state written by {@link #snapshot()} and the step count. */
    public void restore(Map<String, NpyArray> state, long steps, String what) {
        Map<String, NpyArray> ms = new LinkedHashMap<>();
        Map<String, NpyArray> vs = new LinkedHashMap<>();
        state.forEach((k, a) -> (k.startsWith("m/") ? ms : vs).put(k.substring(2), a));
        Params.write(m, params.join(ms, what));
        Params.write(v, params.join(vs, what));
        count = steps;
    }
}
