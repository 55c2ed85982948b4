package dev.patchmem.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.patchmem.config.Json;
import dev.patchmem.config.StudyConfig;
import dev.patchmem.diffusion.NoiseSchedule;
import dev.patchmem.diffusion.Process;
import dev.patchmem.model.UNet;
import dev.patchmem.train.PairSource;
import dev.patchmem.train.TrainingLoop;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Milliseconds per step of the real training loop ({@link TrainingLoop#step}: batch gather,
 * condition noise, forward, MSE, backward, global-norm clipping, AdamW, EMA) on synthetic pairs of
 * the config's shapes. Pixel values do not change the work, so no patch set is needed.
 */
public final class TrainStepBench {

    /**
     * @param name       what the figure is called in the report ("smoke", "larger")
     * @param parameters U-Net parameter count
     * @param stepMs     median of the timed steps
     * @param stepMsAll  every timed step, in order
     * @param cpuMs      process CPU time per timed step (all threads, the JVM's own included), over all
     *                   timed steps: less disturbed than wall time by other processes on the cores
     * @param phaseMs    median ms of each phase of the timed steps ({@link TrainingLoop#step(int, long[])}):
     *                   "batch" (batch, condition noise, x_t), "forward" (and the loss), "backward", "update"
     *                   (gradient norm, clipping, AdamW, EMA)
     */
    public record Result(String name, String preset, int patch, int batch, int timesteps, long parameters, int warmup,
                         double stepMs, double[] stepMsAll, double cpuMs, Map<String, Double> phaseMs) {
    }

    /** The phases of {@link Result#phaseMs}, between consecutive marks of {@link TrainingLoop#step(int, long[])}. */
    static final List<String> PHASES = List.of("batch", "forward", "backward", "update");

    private TrainStepBench() {
    }

    /** Times {@code steps} steps after {@code warmup} untimed ones, on {@code pairs} random pairs. */
    public static Result run(NDManager parent, String name, StudyConfig cfg, int pairs, int warmup, int steps) {
        return withLoop(parent, cfg, pairs, warmup, (net, loop) -> {
            // The process CPU clock ticks in 10 ms on Linux: read it once around all timed steps.
            double[] ms = new double[steps];
            double[][] phases = new double[PHASES.size()][steps];
            long[] marks = new long[PHASES.size() + 1];
            double cpu0 = Stats.cpuMs();
            for (int s = 0; s < steps; s++) {
                loop.step(warmup + s, marks);
                ms[s] = (marks[PHASES.size()] - marks[0]) / 1e6;
                for (int k = 0; k < PHASES.size(); k++) {
                    phases[k][s] = (marks[k + 1] - marks[k]) / 1e6;
                }
            }
            double cpuMs = (Stats.cpuMs() - cpu0) / steps;
            Map<String, Double> phaseMs = new LinkedHashMap<>();
            for (int k = 0; k < PHASES.size(); k++) {
                phaseMs.put(PHASES.get(k), Stats.median(phases[k]));
            }
            return new Result(name, cfg.model().preset(), cfg.data().patch(), cfg.train().batchSize(),
                    cfg.diffusion().timesteps(), net.params().count(), warmup, Stats.median(ms), ms, cpuMs, phaseMs);
        });
    }

    /**
     * Runs {@code warmup} steps, then {@code steps} steps under libtorch's profiler, and writes its
     * Chrome trace (every operator with its thread, start and duration) to {@code trace}; returns the
     * mean ms of the profiled steps.
     */
    public static double profile(NDManager parent, StudyConfig cfg, int pairs, int warmup, int steps, Path trace) {
        return withLoop(parent, cfg, pairs, warmup, (net, loop) -> {
            long t0 = System.nanoTime();
            JniUtils.startProfile(false, false, false);
            try {
                for (int s = 0; s < steps; s++) {
                    loop.step(warmup + s);
                }
            } finally {
                JniUtils.stopProfile(trace.toString());
            }
            return (System.nanoTime() - t0) / 1e6 / steps;
        });
    }

    private interface LoopJob<T> {
        T run(UNet net, TrainingLoop loop);
    }

    /**
     * A U-Net of {@code cfg} and its training loop on {@code pairs} random pairs, past {@code warmup}
     * untimed steps, for {@code job}; the job's steps continue from step {@code warmup}.
     */
    private static <T> T withLoop(NDManager parent, StudyConfig cfg, int pairs, int warmup, LoopJob<T> job) {
        int p = cfg.data().patch();
        try (NDManager m = parent.newSubManager(); UNet net = new UNet(m, cfg.model(), p, cfg.seed())) {
            Engine.getInstance().setRandomSeed((int) cfg.seed());
            NDArray hr = m.randomUniform(-1, 1, new Shape(pairs, 3, p, p));
            NDArray lr = m.randomUniform(-1, 1, new Shape(pairs, 3, p / 2, p / 2));
            Process process = new Process(NoiseSchedule.of(cfg.diffusion()), cfg.diffusion().prediction());
            // step() reads neither the run folder nor the config text; run() would write there.
            TrainingLoop loop = new TrainingLoop(java.util.List.of(net), process, cfg.train(), cfg.seed(), new PairSource.Arrays(hr, lr),
                    Path.of("unused-run-folder"), Json.text(cfg), m);
            for (int s = 0; s < warmup; s++) {
                loop.step(s);
            }
            return job.run(net, loop);
        }
    }
}
