package dev.patchmem.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.patchmem.io.NpyArray;
import dev.patchmem.model.Params;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exponential moving average of the weights, updated in place after every step with the warm-up
 * decay min(decay, (1 + n) / (10 + n)) so early shadows are not dominated by the initialisation.
 */
public final class Ema {

    private final double decay;
    private final Map<String, NDArray> shadow = new LinkedHashMap<>();

    /** Shadows initialised to the current parameters, owned by {@code manager}. */
    public Ema(Params params, NDManager manager, double decay) {
        this.decay = decay;
        params.arrays().forEach((k, a) -> shadow.put(k, a.duplicate().stopGradient()));
        shadow.values().forEach(a -> a.attach(manager));
    }

    /** Folds the parameters after update number {@code n} (1-based) into the shadows. */
    public void update(Params params, long n) {
        double d = Math.min(decay, (1.0 + n) / (10.0 + n));
        // One float32 scalar for all parameters: muli(Number) would create and convert one per parameter,
        // to the same float32 factor.
        NDArray any = shadow.values().iterator().next();
        try (NDArray k = any.getManager().create((float) (1 - d))) {
            for (Map.Entry<String, NDArray> e : params.arrays().entrySet()) {
                NDArray s = shadow.get(e.getKey());
                try (NDArray delta = e.getValue().sub(s)) {
                    s.addi(delta.muli(k));
                }
            }
        }
    }

    /** The shadows (name to array). */
    public Map<String, NDArray> arrays() {
        return shadow;
    }

    public Map<String, NpyArray> snapshot() {
        return Params.snapshot(shadow);
    }

    public void restore(Map<String, NpyArray> values, String what) {
        Params.copyInto(shadow, values, what);
    }
}
