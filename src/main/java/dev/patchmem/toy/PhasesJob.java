package dev.patchmem.toy;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.patchmem.config.Json;
import dev.patchmem.diffusion.NoiseStreams;
import dev.patchmem.io.AtomicFiles;
import dev.patchmem.io.NpyArray;
import dev.patchmem.train.Checkpoint;
import dev.patchmem.train.TrainingLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The unconditional toy (slides, "Memorization in toy example"): N points from a Gaussian mixture
 * p_true, an MLP trained on them, and at every checkpoint its samples measured against p_true (mean
 * log-likelihood, beside that of fresh p_true samples) and against the training points (memorized
 * fraction, d1/d2 < 1/3). Each checkpoint is labelled with the phase it shows.
 */
public final class PhasesJob {

    /** The phase a checkpoint shows. */
    public enum Phase { UNDERFIT, GENERALIZING, MEMORIZING, MEMORIZED, OTHER }

    /**
     * The same measures for fresh p_true samples and for the training points themselves.
     *
     * @param freshLogLikelihood   mean log p_true of fresh p_true samples
     * @param freshMemorized       fraction of those with d1/d2 < 1/3 to the training points
     * @param freshMeanD1          their mean distance d1 to the nearest training point
     * @param trainLogLikelihood   mean log p_true of the training points
     */
    public record Reference(double freshLogLikelihood, double freshMemorized, double freshMeanD1,
                            double trainLogLikelihood) {
    }

    /** One evaluated checkpoint. */
    public record Point(int step, double meanLogLikelihood, double memorizedFraction, double meanD1, Phase phase) {
    }

    /** What a run reports; {@code summary} is the run's summary.json. */
    public record Result(Path summary, Reference reference, List<Point> checkpoints, boolean allThreePhases,
                         double trainSeconds, double evalSeconds) {
    }

    private final ToyConfig cfg;
    private final Path runDir;
    private final NDManager manager;
    private final Consumer<String> log;

    /** A job writing into {@code runDir}; {@code log} receives one line per evaluation. */
    public PhasesJob(ToyConfig cfg, Path runDir, NDManager manager, Consumer<String> log) {
        this.cfg = cfg;
        this.runDir = runDir;
        this.manager = manager;
        this.log = log;
    }

    /** The training points of the config: N draws from p_true, seeded by the config's seed. */
    public static NpyArray trainPoints(ToyConfig cfg) {
        ToyConfig.Phases p = cfg.phases();
        return ToyData.mixtureSample(p.centers(), p.componentStd(), p.trainPoints(), new SplittableRandom(cfg.seed()));
    }

    /** Trains (or resumes), evaluates every checkpoint not yet evaluated, and writes summary.json. */
    public Result run() throws IOException {
        ToyConfig.Phases p = cfg.phases();
        NpyArray train = trainPoints(cfg);
        ToyTraining job = ToyTraining.open(cfg, train, null, runDir, manager);
        TrainingLoop.Result trained = job.train();
        Reference ref = reference(train);
        AtomicFiles.cleanStale(runDir.resolve("eval"));
        List<Point> points = new ArrayList<>();
        double evalSeconds = 0;
        for (Path ck : Checkpoint.list(runDir.resolve("checkpoints"))) {
            Path dir = runDir.resolve("eval").resolve(ck.getFileName());
            if (!ToyEval.done(dir)) {
                evaluate(ck, dir, train, ref);
            }
            JsonNode s = ToyEval.summary(dir);
            evalSeconds += s.path("seconds").asDouble();
            points.add(new Point(s.path("step").asInt(), s.path("meanLogLikelihood").asDouble(),
                    s.path("memorizedFraction").asDouble(), s.path("meanD1").asDouble(),
                    Phase.valueOf(s.path("phase").asText().toUpperCase(Locale.ROOT))));
        }
        boolean all = inOrder(points);
        Path summary = runDir.resolve("summary.json");
        Json.write(summary, summary(ref, points, all, trained.wallSeconds(), evalSeconds, p));
        return new Result(summary, ref, points, all, trained.wallSeconds(), evalSeconds);
    }

    /** Mean log-likelihood, memorized fraction and mean d1 of fresh p_true samples and of the training points. */
    Reference reference(NpyArray train) {
        ToyConfig.Phases p = cfg.phases();
        SplittableRandom rng = new SplittableRandom(NoiseStreams.sampleSeed(cfg.seed(), 0x6672657368L, 0));
        NpyArray fresh = ToyData.mixtureSample(p.centers(), p.componentStd(), p.freshSamples(), rng);
        ToyMetrics.Nearest nn = ToyMetrics.nearest(fresh, train);
        return new Reference(mean(ToyData.mixtureLogDensity(fresh, p.centers(), p.componentStd())),
                nn.memorizedFraction(0, nn.size()), nn.meanD1(0, nn.size()),
                mean(ToyData.mixtureLogDensity(train, p.centers(), p.componentStd())));
    }

    private void evaluate(Path ck, Path dir, NpyArray train, Reference ref) throws IOException {
        ToyConfig.Phases p = cfg.phases();
        long t0 = System.nanoTime();
        NpyArray samples;
        Checkpoint.State state;
        try (NDManager m = manager.newSubManager();
             ToyModel model = ToyModel.open(ck, m, cfg.sample().ema(), p.dim(), 0)) {
            state = model.checkpoint().state();
            samples = ToyEval.sample(model.denoiser(), model.process().schedule(), cfg.sample(), null, p.dim(),
                    p.samples(), NoiseStreams.sampleSeed(cfg.seed(), ToyEval.SAMPLE_TAG, 0), m);
        }
        NpyArray flat = ToyEval.flat(samples);
        double logLik = mean(ToyData.mixtureLogDensity(flat, p.centers(), p.componentStd()));
        ToyMetrics.Nearest nn = ToyMetrics.nearest(flat, train);
        double memorized = nn.memorizedFraction(0, nn.size());
        Phase phase = classify(logLik, memorized, ref, p);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("experiment", "phases");
        s.put("step", state.step());
        s.put("checkpoint", runDir.relativize(ck).toString());
        s.put("configHash", state.configHash());
        s.put("weights", cfg.sample().ema() ? "ema" : "raw");
        s.put("sampler", ToyEval.describe(cfg.sample(), cfg.diffusion().timesteps()));
        s.put("samples", p.samples());
        s.put("trainDataHash", ToyData.hash(train));
        s.put("meanLogLikelihood", logLik);
        s.put("memorizedFraction", memorized);
        s.put("meanD1", nn.meanD1(0, nn.size()));
        s.put("phase", phase.name().toLowerCase(Locale.ROOT));
        s.put("reference", ref);
        s.put("seconds", seconds);
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("train_dst", train);
        arrays.put("samples", samples);
        ToyEval.write(dir, arrays, s);
        log.accept(String.format(Locale.ROOT, "phases %s: log-lik %.3f (p_true %.3f), memorized %.3f, %s, %.1f s",
                ck.getFileName(), logLik, ref.freshLogLikelihood(), memorized, s.get("phase"), seconds));
    }

    /**
     * The phase of a checkpoint: memorized at {@code memorizedFraction} or more memorized samples;
     * memorizing above {@code generalizingMaxMemorized}; otherwise under-fit when the log-likelihood
     * is more than the tolerance below p_true's, generalizing when within it, other when above it.
     */
    static Phase classify(double logLik, double memorized, Reference ref, ToyConfig.Phases p) {
        if (memorized >= p.memorizedFraction()) {
            return Phase.MEMORIZED;
        }
        if (memorized > p.generalizingMaxMemorized()) {
            return Phase.MEMORIZING;
        }
        double gap = logLik - ref.freshLogLikelihood();
        if (gap < -p.loglikTolerance()) {
            return Phase.UNDERFIT;
        }
        return gap <= p.loglikTolerance() ? Phase.GENERALIZING : Phase.OTHER;
    }

    private Map<String, Object> summary(Reference ref, List<Point> points, boolean all, double trainSeconds,
                                        double evalSeconds, ToyConfig.Phases p) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("experiment", "phases");
        s.put("trainPoints", p.trainPoints());
        s.put("samplesPerCheckpoint", p.samples());
        s.put("reference", ref);
        s.put("steps", points.stream().map(Point::step).toList());
        s.put("meanLogLikelihood", points.stream().map(Point::meanLogLikelihood).toList());
        s.put("memorizedFraction", points.stream().map(Point::memorizedFraction).toList());
        s.put("meanD1", points.stream().map(Point::meanD1).toList());
        s.put("phase", points.stream().map(x -> x.phase().name().toLowerCase(Locale.ROOT)).toList());
        Map<String, List<Integer>> seen = new LinkedHashMap<>();
        for (Phase ph : Phase.values()) {
            seen.put(ph.name().toLowerCase(Locale.ROOT),
                    points.stream().filter(x -> x.phase() == ph).map(Point::step).toList());
        }
        s.put("phaseSteps", seen);
        s.put("allThreePhases", all);
        s.put("trainSeconds", trainSeconds);
        s.put("evalSeconds", evalSeconds);
        return s;
    }

    /** Whether an under-fit checkpoint comes before a generalizing one, which comes before a memorized one. */
    static boolean inOrder(List<Point> points) {
        int stage = 0;
        Phase[] order = {Phase.UNDERFIT, Phase.GENERALIZING, Phase.MEMORIZED};
        for (Point x : points) {
            if (stage < order.length && x.phase() == order[stage]) {
                stage++;
            }
        }
        return stage == order.length;
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }
}
