package dev.patchmem.toy;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.patchmem.config.Json;
import dev.patchmem.diffusion.Denoiser;
import dev.patchmem.diffusion.NoiseSchedule;
import dev.patchmem.diffusion.NoiseStreams;
import dev.patchmem.io.AtomicFiles;
import dev.patchmem.io.NpyArray;
import dev.patchmem.kernel.ClosedFormDenoiser;
import dev.patchmem.kernel.PosteriorWeights;
import dev.patchmem.kernel.TrainingPairs;
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
import java.util.function.Consumer;

/**
 * The conditional toy with Delta = identity (slides, "Verify the Equivalence on a Toy Example"):
 * x_dst^(i) = x_src^(i) = N points on a circle, one MLP trained per sigmaAug with condition noise
 * sigmaAug. At every checkpoint, for each new condition x'_src, samples are assigned to their nearest
 * training target and the frequencies compared with the kernel posterior P(i | x'_src) by total
 * variation. Two baselines per condition: the TV of a perfect sampler of P from sampling noise alone,
 * and the TV of the same sampler run on the exact closed-form denoiser (the floor the sampler sets).
 */
public final class EquivalenceJob {

    /**
     * One sigmaAug's results.
     *
     * @param sigmaAug        the condition-noise scale
     * @param folder          its sub-run folder name
     * @param steps           evaluated checkpoint steps
     * @param tv              TV per evaluated checkpoint (outer) and condition (inner)
     * @param samplingNoiseTv mean TV of a perfect sampler of P per condition (sampling noise alone)
     * @param closedFormTv    TV of the sampler on the closed-form denoiser, per condition
     * @param targetMet       whether every condition's TV at the last checkpoint is within the target
     * @param trainSeconds    training wall time
     * @param evalSeconds     evaluation wall time (baseline included)
     */
    public record SigmaResult(double sigmaAug, String folder, List<Integer> steps, List<double[]> tv,
                              double[] samplingNoiseTv, double[] closedFormTv, boolean targetMet, double trainSeconds,
                              double evalSeconds) {

        /** TV per condition at the last checkpoint. */
        public double[] lastTv() {
            return tv.get(tv.size() - 1);
        }
    }

    /** What a run reports; {@code summary} is the run's summary.json. */
    public record Result(Path summary, List<SigmaResult> sigmas, boolean targetMet) {
    }

    /** Kernel rows per block: the toy sets are small, one block holds them. */
    private static final int BLOCK = 8192;

    /** Seed tag of the sampling-noise baseline's multinomial draws. */
    private static final long NOISE_TAG = 0x6E6F697365L;

    private final ToyConfig cfg;
    private final Path runDir;
    private final NDManager manager;
    private final Consumer<String> log;

    /** A job writing into {@code runDir}; {@code log} receives one line per evaluation. */
    public EquivalenceJob(ToyConfig cfg, Path runDir, NDManager manager, Consumer<String> log) {
        this.cfg = cfg;
        this.runDir = runDir;
        this.manager = manager;
        this.log = log;
    }

    /** Trains (or resumes) one run per sigmaAug, evaluates what is not yet evaluated, writes the summaries. */
    public Result run() throws IOException {
        ToyTraining.writeConfig(runDir, Json.text(cfg) + "\n");
        ToyConfig.Equivalence e = cfg.equivalence();
        NpyArray x = ToyData.circle(e.points(), e.radius());
        NpyArray conditions = ToyData.of(e.conditions());
        List<SigmaResult> results = new ArrayList<>();
        List<Object> perSigma = new ArrayList<>();
        for (double s : e.sigmaAugs()) {
            Map<String, Object> summary = new LinkedHashMap<>();
            results.add(runSigma(s, x, conditions, summary));
            perSigma.add(summary);
        }
        boolean met = results.stream().allMatch(SigmaResult::targetMet);
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("experiment", "equivalence");
        top.put("trainPoints", e.points());
        top.put("targetTv", e.targetTv());
        top.put("targetMet", met);
        top.put("conditions", e.conditions());
        top.put("sigmas", perSigma);
        Path summary = runDir.resolve("summary.json");
        Json.write(summary, top);
        return new Result(summary, results, met);
    }

    private SigmaResult runSigma(double s, NpyArray x, NpyArray conditions, Map<String, Object> summary)
            throws IOException {
        ToyConfig sub = cfg.forSigma(s);
        Path dir = runDir.resolve(ToyConfig.sigmaFolder(s));
        TrainingLoop.Result trained;
        try (NDManager m = manager.newSubManager()) {
            trained = ToyTraining.open(sub, x, x, dir, m).train();
        }
        AtomicFiles.cleanStale(dir);
        AtomicFiles.cleanStale(dir.resolve("eval"));
        try (NDManager m = manager.newSubManager(); TrainingPairs pairs = new TrainingPairs(m, x, x, BLOCK)) {
            Context ctx = context(sub, s, x, conditions, pairs);
            Path cfDir = dir.resolve("closed-form");
            if (!ToyEval.done(cfDir)) {
                evaluate(ctx, new ClosedFormDenoiser(NoiseSchedule.of(sub.diffusion()), pairs, s), cfDir, null, m);
            }
            JsonNode cf = ToyEval.summary(cfDir);
            ctx = ctx.withClosedFormTv(perCondition(cf, "tv", conditions.rows()));
            double evalSeconds = cf.path("seconds").asDouble();
            List<Integer> steps = new ArrayList<>();
            List<double[]> tv = new ArrayList<>();
            List<Double> memorized = new ArrayList<>();
            for (Path ck : Checkpoint.list(dir.resolve("checkpoints"))) {
                Path evalDir = dir.resolve("eval").resolve(ck.getFileName());
                if (!ToyEval.done(evalDir)) {
                    try (ToyModel model = ToyModel.open(ck, m, sub.sample().ema(), 2, 2)) {
                        evaluate(ctx, model.denoiser(), evalDir, model.checkpoint(), m);
                    }
                }
                JsonNode r = ToyEval.summary(evalDir);
                steps.add(r.path("step").asInt());
                tv.add(perCondition(r, "tv", conditions.rows()));
                memorized.add(r.path("memorizedFraction").asDouble());
                evalSeconds += r.path("seconds").asDouble();
            }
            boolean met = Arrays.stream(tv.get(tv.size() - 1)).allMatch(v -> v <= cfg.equivalence().targetTv());
            SigmaResult result = new SigmaResult(s, dir.getFileName().toString(), steps, tv, ctx.samplingNoiseTv,
                    ctx.closedFormTv, met, trained.wallSeconds(), evalSeconds);
            summary.putAll(sigmaSummary(result, ctx, memorized));
            Json.write(dir.resolve("summary.json"), summary);
            return result;
        }
    }

    /** P(i | x'_src) from the kernel library and the sampling-noise TV of a perfect sampler of it, per condition. */
    private Context context(ToyConfig sub, double s, NpyArray x, NpyArray conditions, TrainingPairs pairs) {
        PosteriorWeights.Posterior post = PosteriorWeights.compute(pairs, conditions, s, true);
        int q = post.q();
        double[][] p = new double[q][post.n()];
        double[] noise = new double[q];
        double[] noise95 = new double[q];
        for (int c = 0; c < q; c++) {
            for (int i = 0; i < post.n(); i++) {
                p[c][i] = post.weights()[c * post.n() + i];
            }
            double[] r = ToyMetrics.samplingNoiseTv(p[c], cfg.equivalence().perCondition(),
                    cfg.equivalence().noiseReplicates(), NoiseStreams.sampleSeed(cfg.seed(), NOISE_TAG, c));
            noise[c] = r[0];
            noise95[c] = r[1];
        }
        return new Context(sub, s, x, conditions, p, noise, noise95, null);
    }

    /** Everything an evaluation of one sigmaAug compares against. */
    private record Context(ToyConfig cfg, double sigmaAug, NpyArray x, NpyArray conditions, double[][] posterior,
                           double[] samplingNoiseTv, double[] samplingNoiseTv95, double[] closedFormTv) {

        Context withClosedFormTv(double[] tv) {
            return new Context(cfg, sigmaAug, x, conditions, posterior, samplingNoiseTv, samplingNoiseTv95, tv);
        }
    }

    // Samples per condition from d, nearest-target frequencies, TV against P; written to dir.
    private void evaluate(Context ctx, Denoiser d, Path dir, Checkpoint ck, NDManager m) throws IOException {
        long t0 = System.nanoTime();
        int perCondition = cfg.equivalence().perCondition();
        int n = ctx.x.rows();
        NpyArray samples = ToyEval.sample(d, NoiseSchedule.of(ctx.cfg.diffusion()), ctx.cfg.sample(), ctx.conditions,
                2, perCondition, NoiseStreams.sampleSeed(cfg.seed(), ToyEval.SAMPLE_TAG, 0), m);
        ToyMetrics.Nearest nn = ToyMetrics.nearest(ToyEval.flat(samples), ctx.x);
        List<Map<String, Object>> rows = new ArrayList<>();
        double maxTv = 0;
        for (int c = 0; c < ctx.posterior.length; c++) {
            int from = c * perCondition;
            double[] f = ToyMetrics.frequencies(nn.i1(), from, from + perCondition, n);
            double tv = ToyMetrics.totalVariation(f, ctx.posterior[c]);
            maxTv = Math.max(maxTv, tv);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("condition", cfg.equivalence().conditions().get(c));
            row.put("tv", tv);
            row.put("memorizedFraction", nn.memorizedFraction(from, from + perCondition));
            row.put("samplingNoiseTv", ctx.samplingNoiseTv[c]);
            if (ctx.closedFormTv != null) {
                row.put("closedFormTv", ctx.closedFormTv[c]);
            }
            row.put("posterior", ctx.posterior[c]);
            row.put("frequencies", f);
            rows.add(row);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("experiment", "equivalence");
        s.put("sigmaAug", ctx.sigmaAug);
        s.put("denoiser", ck == null ? "closed-form" : "network");
        if (ck != null) {
            s.put("step", ck.state().step());
            s.put("checkpoint", runDir.relativize(ck.dir()).toString());
            s.put("configHash", ck.state().configHash());
            s.put("weights", cfg.sample().ema() ? "ema" : "raw");
        }
        s.put("sampler", ToyEval.describe(cfg.sample(), cfg.diffusion().timesteps()));
        s.put("perCondition", perCondition);
        s.put("trainDataHash", ToyData.hash(ctx.x));
        s.put("tvMax", maxTv);
        s.put("memorizedFraction", nn.memorizedFraction(0, nn.size()));
        s.put("conditions", rows);
        s.put("seconds", seconds);
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("train_src", ctx.x);
        arrays.put("train_dst", ctx.x);
        arrays.put("conditions", ctx.conditions);
        arrays.put("samples", samples);
        ToyEval.write(dir, arrays, s);
        log.accept(String.format(Locale.ROOT, "equivalence %s %s: TV %s (max %.4f), memorized %.3f, %.1f s",
                ToyConfig.sigmaFolder(ctx.sigmaAug), ck == null ? "closed-form" : ck.dir().getFileName(),
                format(rows), maxTv, nn.memorizedFraction(0, nn.size()), seconds));
    }

    private Map<String, Object> sigmaSummary(SigmaResult r, Context ctx, List<Double> memorized) {
        ToyConfig.Equivalence e = cfg.equivalence();
        double[] nearest = new double[ctx.conditions.rows()];
        ToyMetrics.Nearest nn = ToyMetrics.nearest(ctx.conditions, ctx.x);
        for (int c = 0; c < nearest.length; c++) {
            nearest[c] = nn.d1()[c] * Math.sqrt(ctx.x.rowSize()) / r.sigmaAug();
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("sigmaAug", r.sigmaAug());
        s.put("folder", r.folder());
        s.put("targetTv", e.targetTv());
        s.put("targetMet", r.targetMet());
        s.put("conditions", e.conditions());
        s.put("nearestInSigmas", nearest);
        s.put("posterior", ctx.posterior);
        s.put("perCondition", e.perCondition());
        s.put("samplingNoiseTv", r.samplingNoiseTv());
        s.put("samplingNoiseTv95", ctx.samplingNoiseTv95);
        s.put("closedFormTv", r.closedFormTv());
        s.put("steps", r.steps());
        s.put("tv", r.tv());
        s.put("tvMax", r.tv().stream().mapToDouble(v -> Arrays.stream(v).max().orElse(0)).toArray());
        s.put("memorizedFraction", memorized);
        s.put("lastTv", r.lastTv());
        s.put("trainSeconds", r.trainSeconds());
        s.put("evalSeconds", r.evalSeconds());
        return s;
    }

    private static double[] perCondition(JsonNode summary, String key, int q) {
        double[] v = new double[q];
        for (int c = 0; c < q; c++) {
            v[c] = summary.path("conditions").path(c).path(key).asDouble(Double.NaN);
        }
        return v;
    }

    private static String format(List<Map<String, Object>> rows) {
        StringBuilder b = new StringBuilder();
        for (Map<String, Object> r : rows) {
            b.append(b.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.4f", (double) r.get("tv")));
        }
        return b.toString();
    }
}
