package dev.patchmem.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.patchmem.config.TrainConfig;
import dev.patchmem.diffusion.NoiseStreams;
import dev.patchmem.diffusion.Process;
import dev.patchmem.io.AtomicFiles;
import dev.patchmem.io.Hashes;
import dev.patchmem.io.ProcStatus;
import dev.patchmem.model.Network;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The training loop of every patchmem model: x0 from the data, condition augmentation
 * c = x_src + sigma_aug eps', a random timestep, x_t from the forward process, an MSE loss on the
 * prediction target, global-norm clipping, AdamW, EMA, periodic checkpoints.
 *
 * <p>All random numbers of step s come from the engine's generator seeded with (seed, s), so a run
 * resumed from the checkpoint at step s continues exactly as if never interrupted.
 */
public final class TrainingLoop {

    /** What a finished run reports. */
    public record Result(int steps, double finalLoss, double wallSeconds, double stepsPerSecond, Path lastCheckpoint) {
    }

    private final Network net;
    private final DataParallel parallel;
    private final Process process;
    private final TrainConfig cfg;
    private final long seed;
    private final PairSource data;
    private final Path runDir;
    private final String configJson;
    private final NDManager manager;
    private final AdamW adam;
    private final Ema ema;

    /**
     * @param replicas one network per device, the first on {@code manager}'s device; more than one
     *                 trains data-parallel ({@link DataParallel})
     */
    public TrainingLoop(List<Network> replicas, Process process, TrainConfig cfg, long seed, PairSource data,
                        Path runDir, String configJson, NDManager manager) {
        this.parallel = new DataParallel(replicas);
        this.net = parallel.main();
        this.process = process;
        this.cfg = cfg;
        this.seed = seed;
        this.data = data;
        this.runDir = runDir;
        this.configJson = configJson;
        this.manager = manager;
        this.adam = new AdamW(net.params(), manager, cfg.beta1(), cfg.beta2(), 1e-8, cfg.weightDecay());
        this.ema = new Ema(net.params(), manager, cfg.emaDecay() == 0 ? 0 : cfg.emaDecay());
    }

    /** Trains from the newest checkpoint of the run (or from scratch) to {@code train.steps}. */
    public Result run() throws IOException {
        Path checkpoints = runDir.resolve("checkpoints");
        AtomicFiles.cleanStale(checkpoints);       // a killed run's half-written checkpoint; only we write here
        Checkpoint.State resumed = restore(checkpoints);
        int start = resumed == null ? 0 : resumed.step();
        double wallBefore = resumed == null ? 0 : resumed.wallSeconds();
        double loss = resumed == null ? Double.NaN : resumed.loss();
        long t0 = System.nanoTime();
        Path last = Checkpoint.latest(checkpoints).orElse(null);
        Progress progress = new Progress("train", "steps", start, cfg.steps());
        try (MetricsLog log = new MetricsLog(runDir.resolve("metrics.jsonl"), start)) {
            for (int step = start; step < cfg.steps(); step++) {
                double[] lossAndNorm = step(step);                 // forward, backward, clip, AdamW, EMA
                loss = lossAndNorm[0];
                double wall = wallBefore + (System.nanoTime() - t0) / 1e9;
                int done = step + 1;
                if (done % cfg.logEvery() == 0 || done == cfg.steps()) {
                    log.write(metrics(done, loss, lossAndNorm[1], wall, progress.rate(done)));
                }
                progress.update(done, String.format(Locale.ROOT, "loss %.4f", loss));
                if (done % cfg.checkpointEvery() == 0 || done == cfg.steps()) {
                    last = save(checkpoints, new Checkpoint.State(done, seed, configHash(), adam.count(), loss, wall));
                }
            }
        }
        double wall = wallBefore + (System.nanoTime() - t0) / 1e9;
        return new Result(cfg.steps(), loss, wall, progress.rate(cfg.steps()), last);
    }

    /**
     * One optimizer step (0-based {@code step}); returns {loss, gradient norm before clipping}.
     * Public for the benchmark, which times it without checkpoints or logs.
     */
    public double[] step(int step) {
        return step(step, null);
    }

    /**
     * {@link #step(int)}, and where {@code marks} (length 5) is given, {@link System#nanoTime()} at the
     * step's start, after drawing the batch and the noise, after the forward pass and the loss (0 with
     * several replicas, whose forward and backward passes interleave), after the backward pass, and at
     * the end (gradient norm, clipping, AdamW, EMA, the step's arrays released): where a benchmark's
     * step time goes, without a profiler (on a CPU; a GPU may still run queued work at a mark).
     */
    public double[] step(int step, long[] marks) {
        mark(marks, 0);
        double[] result;
        try (NDManager sm = manager.newSubManager()) {
            Engine.getInstance().setRandomSeed((int) NoiseStreams.sampleSeed(seed, step, 0x7261696EL));
            // Draw the batch, augment the condition, noise the target.
            NDArray[] pair = data.batch(sm, cfg.batchSize());
            NDArray x0 = pair[0];
            NDArray c = pair[1] == null ? null : pair[1].add(sm.randomNormal(pair[1].getShape()).mul(cfg.sigmaAug()));
            NDArray t = sm.randomInteger(0, process.schedule().steps(), new Shape(cfg.batchSize()), DataType.INT32);
            NDArray eps = sm.randomNormal(x0.getShape());
            NDArray xt = process.noisy(x0, eps, t);
            NDArray target = process.target(x0, eps, t);
            mark(marks, 1);
            // Forward and backward.
            double loss = parallel.lossAndGradients(xt, t, c, target, marks);
            mark(marks, 3);
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException("loss is " + loss + " at step " + (step + 1)
                        + "; stopped before updating, the last checkpoint is intact (lower train.lr?)");
            }
            // Global-norm clipping, AdamW, EMA.
            NDArray grad = parallel.gradient(sm);
            double norm = Math.sqrt(grad.square().sum().getFloat());
            double scale = cfg.clipGradNorm() > 0 && norm > cfg.clipGradNorm() ? cfg.clipGradNorm() / norm : 1.0;
            adam.step(grad, cfg.lrAt(step), scale);
            parallel.broadcast();
            if (cfg.emaDecay() > 0) {
                ema.update(adam.count());
            }
            result = new double[] {loss, norm};
        }
        mark(marks, 4);
        return result;
    }

    private static void mark(long[] marks, int k) {
        if (marks != null) {
            marks[k] = System.nanoTime();
        }
    }

    private Map<String, Object> metrics(int step, double loss, double norm, double wall, double rate) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        m.put("loss", loss);
        m.put("gradNorm", norm);
        m.put("lr", cfg.lrAt(step - 1));
        m.put("stepsPerSec", rate);
        m.put("wallSeconds", wall);
        m.put("rssMb", Math.round(ProcStatus.residentMb() * 10) / 10.0);
        return m;
    }

    private Path save(Path checkpoints, Checkpoint.State state) throws IOException {
        Path dir = Checkpoint.write(checkpoints, state, configJson, net.params().snapshot(),
                cfg.emaDecay() > 0 ? ema.snapshot() : net.params().snapshot(), adam.snapshot());
        Checkpoint.prune(checkpoints, cfg.keepLast());
        return dir;
    }

    private Checkpoint.State restore(Path checkpoints) throws IOException {
        Optional<Path> latest = Checkpoint.latest(checkpoints);
        if (latest.isEmpty()) {
            return null;
        }
        Checkpoint ck = Checkpoint.open(latest.get());
        if (!ck.state().configHash().equals(configHash())) {
            throw new IOException(ck.configFile() + " differs from this run's config; resume with the run's own"
                    + " config.json or start a new --run");
        }
        net.params().load(ck.model(), ck.dir().resolve("model.npz").toString());
        parallel.broadcast();
        if (cfg.emaDecay() > 0) {
            ema.restore(ck.ema(), ck.dir().resolve("ema.npz").toString());
        }
        adam.restore(ck.optimizer(), ck.state().adamSteps(), ck.dir().resolve("optimizer.npz").toString());
        return ck.state();
    }

    /** SHA-256 of the resolved config JSON. */
    public String configHash() {
        return Hashes.text(configJson);
    }

    /** The EMA shadows (for evaluation in-process). */
    public Ema ema() {
        return ema;
    }
}
