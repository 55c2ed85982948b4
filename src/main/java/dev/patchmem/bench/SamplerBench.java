package dev.patchmem.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.patchmem.config.StudyConfig;
import dev.patchmem.diffusion.Denoiser;
import dev.patchmem.diffusion.Generate;
import dev.patchmem.diffusion.NetworkDenoiser;
import dev.patchmem.diffusion.NoiseSchedule;
import dev.patchmem.diffusion.Process;
import dev.patchmem.diffusion.Sampler;
import dev.patchmem.io.NpyArray;
import dev.patchmem.model.UNet;
import java.util.SplittableRandom;

/**
 * Sampling throughput of one U-Net with ancestral DDPM over all T steps and with DDIM (eta = 0)
 * over a sub-sequence, through {@link Generate#samples} as {@code patchmem sample} runs it. The
 * weights are the initial ones: the work per network call does not depend on them.
 */
public final class SamplerBench {

    /** One sampler's run: {@code patches} samples in {@code seconds}. */
    public record Timing(String sampler, int steps, int patches, double seconds, double patchesPerSecond) {
    }

    /**
     * @param ddim        DDIM timed right before and right after DDPM, seconds averaged, so that a load
     *                    that drifts during the long DDPM run weighs on both alike
     * @param ddimSpeedup DDPM seconds / DDIM seconds for the same patches
     */
    public record Result(String preset, int patch, int timesteps, int batch, Timing ddpm, Timing ddim,
                         double ddimSpeedup) {
    }

    private SamplerBench() {
    }

    /**
     * Draws {@code patches} samples (one network batch) with DDPM over all {@code cfg}'s timesteps and
     * with DDIM over {@code ddimSteps}, after a short untimed DDIM warm-up.
     */
    public static Result run(NDManager parent, StudyConfig cfg, int ddimSteps, int patches) {
        int p = cfg.data().patch();
        int timesteps = cfg.diffusion().timesteps();
        try (NDManager m = parent.newSubManager(); UNet net = new UNet(m, cfg.model(), p, cfg.seed())) {
            Process process = new Process(NoiseSchedule.of(cfg.diffusion()), cfg.diffusion().prediction());
            Denoiser d = new NetworkDenoiser(net, process, true);
            NpyArray conditions = uniform(new long[] {patches, 3, p / 2, p / 2}, cfg.seed());
            time(m, d, process.schedule(), new Sampler.Ddim(Math.min(2, ddimSteps), 0), conditions, p);
            Timing before = time(m, d, process.schedule(), new Sampler.Ddim(ddimSteps, 0), conditions, p);
            Timing ddpm = time(m, d, process.schedule(), new Sampler.Ddpm(timesteps), conditions, p);
            Timing after = time(m, d, process.schedule(), new Sampler.Ddim(ddimSteps, 0), conditions, p);
            double secs = (before.seconds() + after.seconds()) / 2;
            Timing ddim = new Timing("ddim", ddimSteps, patches, secs, patches / secs);
            return new Result(cfg.model().preset(), p, timesteps, patches, ddpm, ddim, ddpm.seconds() / ddim.seconds());
        }
    }

    private static Timing time(NDManager m, Denoiser d, NoiseSchedule s, Sampler sampler, NpyArray conditions, int p) {
        int n = conditions.rows();
        long t0 = System.nanoTime();
        Generate.samples(d, s, sampler, conditions, 0, new Shape(3, p, p), 1, 0, n, m, null);
        double secs = (System.nanoTime() - t0) / 1e9;
        String name = sampler instanceof Sampler.Ddpm ? "ddpm" : "ddim";
        return new Timing(name, sampler.steps(), n, secs, n / secs);
    }

    /** Values uniform in [-1, 1] of {@code shape}, seeded. */
    static NpyArray uniform(long[] shape, long seed) {
        long size = 1;
        for (long s : shape) {
            size *= s;
        }
        float[] v = new float[Math.toIntExact(size)];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return new NpyArray(shape, v);
    }
}
