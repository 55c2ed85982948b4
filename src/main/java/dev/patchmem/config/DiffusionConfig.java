package dev.patchmem.config;

/**
 * Section {@code diffusion}: the forward process and what the network predicts.
 *
 * @param timesteps  number of diffusion steps T (default 100)
 * @param schedule   noise schedule (default cosine)
 * @param prediction training target of the network (default x0)
 * @param betaStart  first beta of the linear schedule (default 1e-4, scaled by 1000/T)
 * @param betaEnd    last beta of the linear schedule (default 0.02, scaled by 1000/T)
 */
public record DiffusionConfig(int timesteps, Schedule schedule, Prediction prediction, double betaStart,
                              double betaEnd) {

    /** Noise schedule families. */
    public enum Schedule implements Lower { LINEAR, COSINE }

    /** What the network outputs; the denoiser converts it to an x0 estimate. */
    public enum Prediction implements Lower { EPS, X0, V }

    public static final DiffusionConfig DEFAULT =
            new DiffusionConfig(100, Schedule.COSINE, Prediction.X0, 1e-4, 0.02);

    public DiffusionConfig {
        Check.range("diffusion.timesteps", timesteps, 2, 100_000);
        Check.present("diffusion.schedule", schedule);
        Check.present("diffusion.prediction", prediction);
        Check.range("diffusion.betaStart", betaStart, 1e-8, 0.5);
        Check.range("diffusion.betaEnd", betaEnd, 1e-8, 0.999);
        Check.that(betaStart <= betaEnd, "diffusion.betaStart (" + betaStart + ") must not exceed diffusion.betaEnd ("
                + betaEnd + ")");
    }
}
