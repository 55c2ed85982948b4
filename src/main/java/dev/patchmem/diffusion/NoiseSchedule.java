package dev.patchmem.diffusion;

import dev.patchmem.config.DiffusionConfig;

/**
 * A discrete variance-preserving noise schedule over T steps, t = 0 (least noise) .. T-1 (most):
 * x_t = sqrt(alphaBar_t) x_0 + sqrt(1 - alphaBar_t) eps.
 *
 * @param betas    beta_t, each in (0, 1)
 * @param alphaBar cumulative product of (1 - beta_s) for s <= t
 */
public record NoiseSchedule(double[] betas, double[] alphaBar) {

    public NoiseSchedule {
        betas = betas.clone();
        alphaBar = alphaBar.clone();
        if (betas.length != alphaBar.length || betas.length < 2) {
            throw new IllegalArgumentException("schedule needs at least 2 steps");
        }
    }

    /** Number of steps T. */
    public int steps() {
        return betas.length;
    }

    /** alphaBar_t. */
    public double alphaBar(int t) {
        return alphaBar[t];
    }

    /** alphaBar_{t-1}, with alphaBar_{-1} = 1. */
    public double alphaBarPrev(int t) {
        return t == 0 ? 1.0 : alphaBar[t - 1];
    }

    /** The schedule a diffusion config names. */
    public static NoiseSchedule of(DiffusionConfig c) {
        return switch (c.schedule()) {
            case LINEAR -> linear(c.timesteps(), c.betaStart(), c.betaEnd());
            case COSINE -> cosine(c.timesteps(), 0.008);
        };
    }

    /**
     * Linear betas (Ho et al. 2020, eq. 4 setting), from betaStart to betaEnd given for T = 1000 and
     * rescaled by 1000 / T so that other T cover the same noise range.
     */
    public static NoiseSchedule linear(int steps, double betaStart, double betaEnd) {
        double scale = 1000.0 / steps;
        double[] betas = new double[steps];
        for (int t = 0; t < steps; t++) {
            double b = betaStart + (betaEnd - betaStart) * t / (steps - 1);
            betas[t] = Math.min(scale * b, 0.999);
        }
        return fromBetas(betas);
    }

    /**
     * Cosine schedule (Nichol and Dhariwal 2021, eq. 17): alphaBar(t) = f(t) / f(0) with
     * f(t) = cos^2(((t / T) + s) / (1 + s) * pi / 2), betas clipped at 0.999.
     */
    public static NoiseSchedule cosine(int steps, double s) {
        double[] betas = new double[steps];
        for (int t = 0; t < steps; t++) {
            double a1 = cosineF((double) t / steps, s);
            double a2 = cosineF((double) (t + 1) / steps, s);
            betas[t] = Math.min(1 - a2 / a1, 0.999);
        }
        return fromBetas(betas);
    }

    private static double cosineF(double u, double s) {
        double c = Math.cos((u + s) / (1 + s) * Math.PI / 2);
        return c * c;
    }

    private static NoiseSchedule fromBetas(double[] betas) {
        double[] ab = new double[betas.length];
        double prod = 1;
        for (int t = 0; t < betas.length; t++) {
            prod *= 1 - betas[t];
            ab[t] = prod;
        }
        return new NoiseSchedule(betas, ab);
    }
}
