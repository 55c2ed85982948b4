package dev.patchmem.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private long count;

    /** Zero-initialised state for every parameter of {@code params}, owned by {@code manager}. */
    public AdamW(Params params, NDManager manager, double beta1, double beta2, double eps, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        params.arrays().forEach((k, a) -> {
            m.put(k, manager.zeros(a.getShape()));
            v.put(k, manager.zeros(a.getShape()));
        });
    }

    /**
     * One update of every parameter with its gradient scaled by {@code gradScale} (global-norm
     * clipping) at learning rate {@code lr}; the gradients are zeroed afterwards.
     */
    public void step(Params params, Map<String, NDArray> grads, double lr, double gradScale) {
        count++;
        double c1 = 1 - Math.pow(beta1, count);
        double c2 = 1 - Math.pow(beta2, count);
        float lrCorrected = (float) (lr * Math.sqrt(c2) / c1);
        // Without weight decay the decoupled branch of the kernel, w -= lr * 0 * w, is an exact no-op that
        // costs three tensor ops per parameter; the coupled branch adds 0 * w to the gradient (exact too)
        // in one. A negative clip skips the kernel's clamp, which at Float.MAX_VALUE changed no finite value.
        boolean decoupled = weightDecay != 0;
        for (Map.Entry<String, NDArray> e : params.arrays().entrySet()) {
            String k = e.getKey();
            NDArray w = e.getValue();
            w.getNDArrayInternal().adamUpdate(new NDList(w, grads.get(k), m.get(k), v.get(k)), new NDList(w),
                    (float) lr, lrCorrected, (float) weightDecay, (float) gradScale, -1f,
                    (float) beta1, (float) beta2, (float) eps, false, decoupled);
        }
    }

    /** Updates taken so far. */
    public long count() {
        return count;
    }

    /** The state as named host arrays: "m/NAME", "v/NAME". */
    public Map<String, NpyArray> snapshot() {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        Params.snapshot(m).forEach((k, a) -> out.put("m/" + k, a));
        Params.snapshot(v).forEach((k, a) -> out.put("v/" + k, a));
        return out;
    }

    /** Restores the state written by {@link #snapshot()} and the step count. */
    public void restore(Map<String, NpyArray> state, long steps, String what) {
        Map<String, NpyArray> ms = new LinkedHashMap<>();
        Map<String, NpyArray> vs = new LinkedHashMap<>();
        state.forEach((k, a) -> (k.startsWith("m/") ? ms : vs).put(k.substring(2), a));
        Params.copyInto(m, ms, what);
        Params.copyInto(v, vs, what);
        count = steps;
    }
}
