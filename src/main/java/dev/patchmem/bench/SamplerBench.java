package dev.patchmem.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
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
     * @param forwardMs   median ms of one U-Net call on the batch as the samplers make it (no autograd),
     *                    the network's share of a sampler step
     */
    public record Result(String preset, int patch, int timesteps, int batch, Timing ddpm, Timing ddim,
                         double ddimSpeedup, double forwardMs) {
    }

    /**
     * Untimed U-Net calls (one DDIM run) before the timed ones. The JVM takes a few hundred calls to
     * reach its steady time per call: on 2 cores the tiny U-Net's DDIM step took 19.6 ms over the first
     * 50 calls, 12.8 over calls 101-150 and 10-12 from call 150 on.
     */
    static final int WARMUP_CALLS = 200;

    /** U-Net calls timed for {@link Result#forwardMs}, after as many untimed ones. */
    static final int FORWARD_CALLS = 50;

    private SamplerBench() {
    }

    /**
     * Draws {@code patches} samples (one network batch) with DDPM over all {@code cfg}'s timesteps and
     * with DDIM over {@code ddimSteps}, after an untimed DDIM warm-up of {@link #WARMUP_CALLS} steps.
     */
    public static Result run(NDManager parent, StudyConfig cfg, int ddimSteps, int patches) {
        int p = cfg.data().patch();
        int timesteps = cfg.diffusion().timesteps();
        try (NDManager m = parent.newSubManager(); UNet net = new UNet(m, cfg.model(), p, cfg.seed())) {
            Process process = new Process(NoiseSchedule.of(cfg.diffusion()), cfg.diffusion().prediction());
            Denoiser d = new NetworkDenoiser(net, process, true);
            NpyArray conditions = uniform(new long[] {patches, 3, p / 2, p / 2}, cfg.seed());
            time(m, d, process.schedule(), new Sampler.Ddim(Math.min(WARMUP_CALLS, timesteps), 0), conditions, p);
            Timing before = time(m, d, process.schedule(), new Sampler.Ddim(ddimSteps, 0), conditions, p);
            Timing ddpm = time(m, d, process.schedule(), new Sampler.Ddpm(timesteps), conditions, p);
            Timing after = time(m, d, process.schedule(), new Sampler.Ddim(ddimSteps, 0), conditions, p);
            double secs = (before.seconds() + after.seconds()) / 2;
            Timing ddim = new Timing("ddim", ddimSteps, patches, secs, patches / secs);
            return new Result(cfg.model().preset(), p, timesteps, patches, ddpm, ddim, ddpm.seconds() / ddim.seconds(),
                    forwardMs(m, net, conditions, p, timesteps / 2));
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

    /** Median ms of one U-Net call at timestep {@code t} on the conditions' batch, as a sampler step makes it. */
    private static double forwardMs(NDManager m, UNet net, NpyArray conditions, int p, int t) {
        int n = conditions.rows();
        double[] ms = new double[FORWARD_CALLS];
        try (NDManager sm = m.newSubManager()) {
            NDArray c = sm.create(conditions.data(), new Shape(conditions.shape()));
            NDArray x = sm.randomNormal(new Shape(n, 3, p, p));
            NDArray ts = sm.full(new Shape(n), t, DataType.INT32);
            for (int i = -FORWARD_CALLS; i < FORWARD_CALLS; i++) {
                long t0 = System.nanoTime();
                try (NDManager call = sm.newSubManager()) {
                    x.tempAttach(call);
                    net.forward(x, ts, c).toFloatArray();
                }
                if (i >= 0) {
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
        }
        return Stats.median(ms);
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
