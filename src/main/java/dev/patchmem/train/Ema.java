package dev.patchmem.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.patchmem.io.NpyArray;
import dev.patchmem.model.Params;
import java.util.Map;

/**
 * Exponential moving average of the weights, updated in place after every step with the warm-up
 * decay min(decay, (1 + n) / (10 + n)) so early shadows are not dominated by the initialisation.
 */
public final class Ema {

    private final Params params;
    private final double decay;
    private final NDArray shadow;

    /** A shadow of the packed parameter vector ({@link Params#flat()}), owned by {@code manager}. */
    public Ema(Params params, NDManager manager, double decay) {
        this.params = params;
        this.decay = decay;
        this.shadow = params.flat().duplicate();
        shadow.attach(manager);
    }

    /** Folds the parameters after update number {@code n} (1-based) into the shadow. */
    public void update(long n) {
        double d = Math.min(decay, (1.0 + n) / (10.0 + n));
        // A float32 scalar array: muli(Number) on the vector would convert through a float64 scalar.
        try (NDArray k = shadow.getManager().create((float) (1 - d));
             NDArray delta = params.flat().sub(shadow)) {
            shadow.addi(delta.muli(k));
        }
    }

    public Map<String, NpyArray> snapshot() {
        return params.split(shadow.toFloatArray());
    }

    public void restore(Map<String, NpyArray> values, String what) {
        Params.write(shadow, params.join(values, what));
    }
}
