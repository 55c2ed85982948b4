package dev.patchmem.config;

/**
 * Section {@code sample}: how samples are drawn from a denoiser.
 *
 * @param sampler ancestral DDPM or DDIM (default ddim)
 * @param steps   sampler steps, 0 for all T (default 0)
 * @param eta     DDIM stochasticity, 0 deterministic, 1 DDPM-like (default 0)
 * @param ema     sample with the EMA weights when the checkpoint has them (default true)
 * @param batch   samples per network call (default 256)
 */
public record SampleConfig(Sampler sampler, int steps, double eta, boolean ema, int batch) {

    /** Sampler families. */
    public enum Sampler implements Lower { DDPM, DDIM }

    public static final SampleConfig DEFAULT = new SampleConfig(Sampler.DDIM, 0, 0.0, true, 256);

    public SampleConfig {
        Check.present("sample.sampler", sampler);
        Check.range("sample.steps", steps, 0, 100_000);
        Check.range("sample.eta", eta, 0.0, 1.0);
        Check.range("sample.batch", batch, 1, 1 << 20);
    }
}
