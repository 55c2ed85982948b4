package dev.patchmem.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.patchmem.config.SampleConfig;
import dev.patchmem.diffusion.Generate;
import dev.patchmem.diffusion.Sampler;
import dev.patchmem.io.Npy;
import dev.patchmem.io.NpyArray;
import dev.patchmem.io.NpyChecks;
import dev.patchmem.train.Devices;
import dev.patchmem.train.Progress;
import dev.patchmem.train.TrainedModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code patchmem sample}: HR patches from a checkpoint for given LR conditions. */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Draw K HR patches per LR condition from a checkpoint; writes (Q*K, 3, P, P), condition-major.")
public final class SampleCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, description = "checkpoint folder (runs/<id>/checkpoints/step-N)")
    Path checkpoint;

    @Option(names = "--conditions", required = true, description = "LR conditions (Q, 3, P/2, P/2) .npy")
    Path conditions;

    @Option(names = "--per-condition", required = true, description = "samples per condition K")
    int perCondition;

    @Option(names = "--seed", required = true, description = "seed; sample k of condition q uses (seed, q, k)")
    long seed;

    @Option(names = "--out", required = true, description = "output .npy")
    Path out;

    @Option(names = "--sampler", description = "ddpm or ddim (default: the checkpoint config's)")
    SampleConfig.Sampler sampler;

    @Option(names = "--steps", description = "sampler steps (default: the checkpoint config's; 0 for all T)")
    Integer steps;

    @Option(names = "--eta", description = "DDIM eta (default: the checkpoint config's)")
    Double eta;

    @Option(names = "--raw", description = "use the raw weights instead of the EMA weights")
    boolean raw;

    @Option(names = "--batch", description = "samples per network call (default: the checkpoint config's)")
    Integer batch;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or gpu (default ${DEFAULT-VALUE})")
    String device;

    @Override
    public Integer call() throws Exception {
        if (perCondition < 1) {
            throw new IllegalArgumentException("--per-condition must be >= 1, got " + perCondition);
        }
        NpyArray conds = Npy.read(conditions);
        NpyChecks.requireFinite(conditions, conds);   // a NaN condition would give NaN samples, silently
        try (NDManager m = NDManager.newBaseManager(Devices.pick(device));
             TrainedModel model = TrainedModel.open(checkpoint, m, !raw)) {
            int p = model.patch();
            long[] want = {conds.rows(), 3, p / 2, p / 2};
            if (!Arrays.equals(conds.shape(), want)) {
                throw new IllegalArgumentException(conditions + " has shape " + Arrays.toString(conds.shape())
                        + "; this checkpoint needs (Q, 3, " + p / 2 + ", " + p / 2 + ")");
            }
            SampleConfig sc = model.config().sample();
            sc = new SampleConfig(sampler != null ? sampler : sc.sampler(), steps != null ? steps : sc.steps(),
                    eta != null ? eta : sc.eta(), !raw, batch != null ? batch : sc.batch());
            Sampler s = Sampler.of(sc, model.schedule().steps());
            int total = conds.rows() * perCondition;
            Progress progress = new Progress("sample", "samples", 0, total);
            long t0 = System.nanoTime();
            NpyArray x = Generate.samples(model.denoiser(), model.schedule(), s, conds, 0, new Shape(3, p, p),
                    perCondition, seed, sc.batch(), m, done -> progress.update(done, ""));
            Npy.write(out, x);
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%s: %d samples (%s, %d steps) in %.1f s, %.2f samples/s%n", out, total,
                    sc.sampler().word(), s.steps(), secs, total / secs);
        }
        return 0;
    }
}
