package dev.patchmem.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.patchmem.config.SampleConfig;

/**
 * Samplers over any {@link Denoiser}. Both walk a sub-sequence tau of the T timesteps from the
 * noisiest down to 0; per-sample noise comes from {@link NoiseStreams}.
 */
public sealed interface Sampler permits Sampler.Ddpm, Sampler.Ddim {

    /** Number of denoiser calls. */
    int steps();

    /** One update from x_t (at tau_i = t) to x at {@code prev} (-1 for the final x_0). */
    NDArray step(NDArray xt, NDArray x0, NoiseSchedule s, int t, int prev, NoiseStreams noise);

    /** The sampler a config section names, for a schedule of {@code timesteps}. */
    static Sampler of(SampleConfig c, int timesteps) {
        int steps = c.steps() == 0 ? timesteps : c.steps();
        return switch (c.sampler()) {
            case DDPM -> new Ddpm(steps);
            case DDIM -> new Ddim(steps, c.eta());
        };
    }

    /**
     * Draws one sample per row of {@code c} (or {@code noise.size()} unconditional ones) of shape
     * {@code rowShape}; the result belongs to {@code m}.
     */
    default NDArray sample(Denoiser d, NoiseSchedule s, NDArray c, Shape rowShape, NoiseStreams noise, NDManager m) {
        int[] tau = timesteps(s.steps(), steps());
        NDArray x = noise.next(m, rowShape);
        int b = noise.size();
        for (int i = tau.length - 1; i >= 0; i--) {
            try (NDManager sm = m.newSubManager()) {
                x.attach(sm);
                NDArray t = sm.full(new Shape(b), tau[i], DataType.INT32);
                NDArray x0 = d.denoise(x, t, c);
                NDArray next = step(x, x0, s, tau[i], i == 0 ? -1 : tau[i - 1], noise);
                next.attach(m);
                x = next;
            }
        }
        return x;
    }

    /** tau: {@code steps} timesteps spread evenly over 0 .. T-1, increasing, ending at T-1. */
    static int[] timesteps(int total, int steps) {
        if (steps < 1 || steps > total) {
            throw new IllegalArgumentException("sampler steps must be in [1, " + total + "], got " + steps);
        }
        int[] tau = new int[steps];
        for (int i = 0; i < steps; i++) {
            tau[i] = steps == 1 ? total - 1 : (int) Math.round((double) i * (total - 1) / (steps - 1));
        }
        return tau;
    }

    /**
     * Ancestral sampling from the DDPM posterior q(x_prev | x_t, x_0) (Ho et al. 2020, eq. 6-7) with
     * the denoiser's x0; on a sub-sequence the betas are the respaced ones 1 - alphaBar_t / alphaBar_prev.
     */
    record Ddpm(int steps) implements Sampler {
        @Override
        public NDArray step(NDArray xt, NDArray x0, NoiseSchedule s, int t, int prev, NoiseStreams noise) {
            double ab = s.alphaBar(t);
            double abPrev = prev < 0 ? 1.0 : s.alphaBar(prev);
            double beta = 1 - ab / abPrev;
            double c0 = Math.sqrt(abPrev) * beta / (1 - ab);
            double ct = Math.sqrt(1 - beta) * (1 - abPrev) / (1 - ab);
            NDArray mean = x0.mul(c0).add(xt.mul(ct));
            if (prev < 0) {
                return mean;
            }
            double var = beta * (1 - abPrev) / (1 - ab);
            return mean.add(noise.next(xt.getManager(), rowShape(xt)).mul(Math.sqrt(var)));
        }
    }

    /**
     * DDIM (Song et al. 2021, eq. 12): x_prev = sqrt(abPrev) x0 + sqrt(1 - abPrev - sigma^2) eps_hat
     * + sigma z, sigma = eta sqrt((1 - abPrev) / (1 - ab)) sqrt(1 - ab / abPrev).
     */
    record Ddim(int steps, double eta) implements Sampler {
        @Override
        public NDArray step(NDArray xt, NDArray x0, NoiseSchedule s, int t, int prev, NoiseStreams noise) {
            if (prev < 0) {
                return x0.duplicate();
            }
            double ab = s.alphaBar(t);
            double abPrev = s.alphaBar(prev);
            NDArray epsHat = xt.sub(x0.mul(Math.sqrt(ab))).div(Math.sqrt(1 - ab));
            double sigma = eta * Math.sqrt((1 - abPrev) / (1 - ab)) * Math.sqrt(1 - ab / abPrev);
            NDArray next = x0.mul(Math.sqrt(abPrev)).add(epsHat.mul(Math.sqrt(Math.max(0, 1 - abPrev - sigma * sigma))));
            return sigma > 0 ? next.add(noise.next(xt.getManager(), rowShape(xt)).mul(sigma)) : next;
        }
    }

    private static Shape rowShape(NDArray x) {
        return x.getShape().slice(1);
    }
}
