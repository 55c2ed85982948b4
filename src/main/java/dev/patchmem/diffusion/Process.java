package dev.patchmem.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.patchmem.config.DiffusionConfig.Prediction;

/**
 * The forward process and the prediction parameterisations on the device:
 * x_t = sqrt(alphaBar_t) x_0 + sqrt(1 - alphaBar_t) eps (Ho et al. 2020, eq. 4);
 * v = sqrt(alphaBar_t) eps - sqrt(1 - alphaBar_t) x_0 (Salimans and Ho 2022, sec. 4).
 *
 * @param schedule   the noise schedule
 * @param prediction what the network outputs
 */
public record Process(NoiseSchedule schedule, Prediction prediction) {

    /** sqrt(alphaBar_t) and sqrt(1 - alphaBar_t) gathered for timesteps {@code t}, shaped to broadcast over {@code like}. */
    public NDArray[] coefficients(NDArray t, NDArray like) {
        NDManager m = t.getManager();
        float[] a = new float[schedule.steps()];
        float[] s = new float[schedule.steps()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) Math.sqrt(schedule.alphaBar(i));
            s[i] = (float) Math.sqrt(1 - schedule.alphaBar(i));
        }
        long[] shape = new long[like.getShape().dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = -1;
        NDArray idx = t.toType(DataType.INT64, false);
        return new NDArray[] {m.create(a).get(idx).reshape(shape), m.create(s).get(idx).reshape(shape)};
    }

    /** x_t for clean {@code x0} and noise {@code eps} at timesteps {@code t}. */
    public NDArray noisy(NDArray x0, NDArray eps, NDArray t) {
        NDArray[] c = coefficients(t, x0);
        return x0.mul(c[0]).add(eps.mul(c[1]));
    }

    /** The regression target for the network's output. */
    public NDArray target(NDArray x0, NDArray eps, NDArray t) {
        return switch (prediction) {
            case EPS -> eps;
            case X0 -> x0;
            case V -> {
                NDArray[] c = coefficients(t, x0);
                yield eps.mul(c[0]).sub(x0.mul(c[1]));
            }
        };
    }

    /** The x0 estimate implied by the network's raw output {@code out} at (x_t, t). */
    public NDArray toX0(NDArray out, NDArray xt, NDArray t) {
        return switch (prediction) {
            case X0 -> out;
            case EPS -> {
                NDArray[] c = coefficients(t, xt);
                yield xt.sub(out.mul(c[1])).div(c[0]);
            }
            case V -> {
                NDArray[] c = coefficients(t, xt);
                yield xt.mul(c[0]).sub(out.mul(c[1]));
            }
        };
    }
}
