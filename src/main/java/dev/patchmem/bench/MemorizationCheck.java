package dev.patchmem.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.patchmem.config.Json;
import dev.patchmem.config.StudyConfig;
import dev.patchmem.diffusion.Denoiser;
import dev.patchmem.diffusion.Generate;
import dev.patchmem.diffusion.NetworkDenoiser;
import dev.patchmem.diffusion.NoiseSchedule;
import dev.patchmem.diffusion.Process;
import dev.patchmem.diffusion.Sampler;
import dev.patchmem.eval.Memorization;
import dev.patchmem.io.NpyArray;
import dev.patchmem.model.UNet;
import dev.patchmem.train.PairSource;
import dev.patchmem.train.TrainingLoop;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Whether a few-step sampler keeps what the model memorized: a U-Net trained until it memorizes a
 * handful of pairs is sampled with DDPM over all T steps and with DDIM over a sub-sequence, and
 * each sample's nearest / second-nearest training distance ratio d1 / d2 is taken
 * ({@link Memorization}: memorized below 1/3). The pairs are random: HR uniform in [-1, 1], LR its 2 x 2 mean.
 */
public final class MemorizationCheck {

    /** Memorization ratio of one sampler's samples. */
    public record Sampled(String sampler, int steps, double memorizedFraction, double nearestIsOwnFraction,
                          double medianRatio) {
    }

    public record Result(int pairs, int patch, int trainSteps, double finalLoss, int perCondition, Sampled ddpm,
                         Sampled ddim) {
    }

    private MemorizationCheck() {
    }

    /** Trains on {@code pairs} random pairs for {@code cfg.train().steps()} steps, then samples both ways. */
    public static Result run(NDManager parent, StudyConfig cfg, int pairs, int ddimSteps, int perCondition) {
        int p = cfg.data().patch();
        NpyArray hr = SamplerBench.uniform(new long[] {pairs, 3, p, p}, cfg.seed() + 1);
        NpyArray lr = meanPool(hr);
        try (NDManager m = parent.newSubManager(); UNet net = new UNet(m, cfg.model(), p, cfg.seed())) {
            Process process = new Process(NoiseSchedule.of(cfg.diffusion()), cfg.diffusion().prediction());
            PairSource data = new PairSource.Arrays(m.create(hr.data(), new Shape(hr.shape())),
                    m.create(lr.data(), new Shape(lr.shape())));
            // step() reads neither the run folder nor the config text; run() would write there.
            TrainingLoop loop = new TrainingLoop(java.util.List.of(net), process, cfg.train(), cfg.seed(), data,
                    Path.of("unused-run-folder"), Json.text(cfg), m);
            double loss = Double.NaN;
            for (int s = 0; s < cfg.train().steps(); s++) {
                loss = loop.step(s)[0];
            }
            Denoiser d = new NetworkDenoiser(net, process, true);
            Sampled ddpm = sample(m, d, process.schedule(), new Sampler.Ddpm(process.schedule().steps()), hr, lr,
                    perCondition);
            Sampled ddim = sample(m, d, process.schedule(), new Sampler.Ddim(ddimSteps, 0), hr, lr, perCondition);
            return new Result(pairs, p, cfg.train().steps(), loss, perCondition, ddpm, ddim);
        }
    }

    private static Sampled sample(NDManager m, Denoiser d, NoiseSchedule s, Sampler sampler, NpyArray hr, NpyArray lr,
                                  int perCondition) {
        int p = Math.toIntExact(hr.shape()[2]);
        NpyArray x = Generate.samples(d, s, sampler, lr, 0, new Shape(3, p, p), perCondition, 7, 256, m, null);
        int memorized = 0;
        int own = 0;
        double[] ratios = new double[x.rows()];
        for (int r = 0; r < x.rows(); r++) {
            double[] dist = new double[hr.rows()];
            for (int i = 0; i < dist.length; i++) {
                dist[i] = distance(x.row(r), hr.row(i));
            }
            int nearest = 0;
            for (int i = 1; i < dist.length; i++) {
                nearest = dist[i] < dist[nearest] ? i : nearest;
            }
            double[] sorted = dist.clone();
            Arrays.sort(sorted);
            ratios[r] = Memorization.ratio(sorted[0], sorted[1]);
            memorized += Memorization.memorized(ratios[r]) ? 1 : 0;
            own += nearest == r / perCondition ? 1 : 0;
        }
        String name = sampler instanceof Sampler.Ddpm ? "ddpm" : "ddim";
        return new Sampled(name, sampler.steps(), (double) memorized / x.rows(), (double) own / x.rows(),
                Stats.median(ratios));
    }

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            double e = a[j] - b[j];
            s += e * e;
        }
        return Math.sqrt(s);
    }

    /** 2 x 2 means of (N, C, P, P): the LR condition of each HR patch. */
    static NpyArray meanPool(NpyArray hr) {
        long[] s = hr.shape();
        int n = (int) s[0];
        int c = (int) s[1];
        int p = (int) s[2];
        int q = p / 2;
        float[] out = new float[n * c * q * q];
        float[] in = hr.data();
        for (int i = 0; i < n * c; i++) {
            for (int y = 0; y < q; y++) {
                for (int x = 0; x < q; x++) {
                    int b = i * p * p + 2 * y * p + 2 * x;
                    out[i * q * q + y * q + x] = (in[b] + in[b + 1] + in[b + p] + in[b + p + 1]) / 4;
                }
            }
        }
        return new NpyArray(new long[] {n, c, q, q}, out);
    }
}
