package dev.patchmem.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.patchmem.config.ConfigLoader;
import dev.patchmem.config.Home;
import dev.patchmem.config.Json;
import dev.patchmem.config.StudyConfig;
import dev.patchmem.data.PatchSet;
import dev.patchmem.diffusion.Generate;
import dev.patchmem.diffusion.NoiseStreams;
import dev.patchmem.diffusion.Process;
import dev.patchmem.diffusion.Sampler;
import dev.patchmem.io.AtomicFiles;
import dev.patchmem.io.Hashes;
import dev.patchmem.io.Npy;
import dev.patchmem.io.NpyArray;
import dev.patchmem.io.ProcStatus;
import dev.patchmem.kernel.ClosedFormDenoiser;
import dev.patchmem.kernel.PosteriorWeights;
import dev.patchmem.kernel.TrainingPairs;
import dev.patchmem.train.Checkpoint;
import dev.patchmem.train.TrainedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates every checkpoint of a run, oldest first: samples for the run's condition sets with fixed
 * per-sample seeds, distances to every training patch, memorization, held-out retrieval against
 * the kernel model and r^2 against the closed-form denoiser. Each result folder is written
 * atomically, so a killed evaluation redoes only the checkpoint it was on.
 */
public final class RunEvaluator implements AutoCloseable {

    private final Path runDir;
    private final StudyConfig cfg;
    private final NDManager manager;
    private final PatchSet train;
    private final List<ConditionSet> sets;
    private final DistanceIndex index;
    private final TrainingPairs pairs;

    private RunEvaluator(Path runDir, StudyConfig cfg, NDManager manager, PatchSet train, List<ConditionSet> sets,
                         DistanceIndex index, TrainingPairs pairs) {
        this.runDir = runDir;
        this.cfg = cfg;
        this.manager = manager;
        this.train = train;
        this.sets = sets;
        this.index = index;
        this.pairs = pairs;
    }

    /** Opens the run in {@code runDir}: its config, its patch set (and held-out set) and the distance index. */
    public static RunEvaluator open(Path runDir, NDManager manager) throws IOException {
        Path configFile = runDir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new IOException(configFile + " missing: " + runDir + " is not a run folder (patchmem train makes one)");
        }
        StudyConfig cfg = ConfigLoader.parse(configFile, StudyConfig.class, StudyConfig.DEFAULT);
        Path dataDir = Home.resolve(cfg.data().dir());
        PatchSet train = PatchSet.load(dataDir);
        PatchSet heldout = PatchSet.exists(dataDir.resolve("heldout")) ? PatchSet.load(dataDir.resolve("heldout")) : null;
        List<ConditionSet> sets = ConditionSet.of(cfg.eval(), train, heldout, cfg.seed());
        DistanceIndex index = new DistanceIndex(manager, train.hr(), cfg.eval().block());
        TrainingPairs pairs = cfg.train().sigmaAug() > 0
                ? new TrainingPairs(manager, train.lr(), train.hr(), cfg.eval().block()) : null;
        return new RunEvaluator(runDir, cfg, manager, train, sets, index, pairs);
    }

    /** Complete checkpoints that have no evaluation yet, oldest first. */
    public List<Path> pending() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path ck : Checkpoint.list(runDir.resolve("checkpoints"))) {
            if (!Files.isRegularFile(resultDir(ck).resolve("summary.json"))) {
                out.add(ck);
            }
        }
        return out;
    }

    /** True when the run's final checkpoint (step = train.steps) has been evaluated. */
    public boolean finished() {
        return Files.isRegularFile(runDir.resolve("eval").resolve(Checkpoint.name(cfg.train().steps()))
                .resolve("summary.json"));
    }

    /** Samples evaluated per checkpoint, for progress displays. */
    public int samplesPerCheckpoint() {
        return sets.stream().mapToInt(ConditionSet::size).sum() * cfg.eval().perCondition();
    }

    /** Training patches N. */
    public int pairs() {
        return train.size();
    }

    /** The result folder of checkpoint {@code ck}. */
    public Path resultDir(Path ck) {
        return runDir.resolve("eval").resolve(ck.getFileName());
    }

    /** Evaluates {@code ck} and writes eval/step-NNNNNNN/ atomically; {@code samplesDone} hears progress. */
    public CheckpointEval evaluate(Path ck, java.util.function.LongConsumer samplesDone) throws IOException {
        long t0 = System.nanoTime();
        int k = cfg.eval().perCondition();
        Sampler sampler = Sampler.of(cfg.sample(), cfg.diffusion().timesteps());
        Map<String, CheckpointEval.SetResult> results = new LinkedHashMap<>();
        Map<String, NpyArray> samples = new LinkedHashMap<>();
        Map<String, NearestNeighbors> nearest = new LinkedHashMap<>();
        CheckpointEval.RetrievalResult retrieval = null;
        CheckpointEval.R2Result r2 = null;
        float[] weights = null;
        Checkpoint.State state;
        long[] done = {0};
        try (NDManager m = manager.newSubManager();
             TrainedModel model = TrainedModel.open(ck, m, cfg.sample().ema())) {
            state = model.checkpoint().state();
            for (ConditionSet set : sets) {
                long before = done[0];
                NpyArray x = Generate.samples(model.denoiser(), model.schedule(), sampler, set.lr(), 0,
                        new Shape(3, cfg.data().patch(), cfg.data().patch()), k, set.seed(), cfg.sample().batch(), m,
                        n -> samplesDone.accept(before + n));
                done[0] += x.rows();
                NearestNeighbors nn = index.search(x, new DistanceBins(cfg.eval().bins(), cfg.eval().binMax()),
                        rawRows(x.rows()), 4096, Progress.NONE);
                samples.put(set.name(), x);
                nearest.put(set.name(), nn);
                results.put(set.name(), new CheckpointEval.SetResult(set.size(), k, nn.memorizationRatio(),
                        median(nn.d1()), java.util.Arrays.stream(set.indices()).boxed().toList()));
            }
            ConditionSet heldout = sets.stream().filter(s -> s.name().equals("heldout")).findFirst().orElse(null);
            if (heldout != null && pairs != null) {
                weights = PosteriorWeights.compute(pairs, heldout.lr(), cfg.train().sigmaAug(), true).weights();
                retrieval = retrieval(heldout, nearest.get("heldout"), weights);
                r2 = r2(model, heldout, m);
            }
        }
        CheckpointEval eval = new CheckpointEval(state.step(), ck.toString(), state.configHash(),
                train.info().contentHash(), sampler.toString(), cfg.sample().ema() ? "ema" : "raw", results, retrieval,
                r2, (System.nanoTime() - t0) / 1e9, Math.round(ProcStatus.residentMb() * 10) / 10.0);
        write(ck, eval, samples, nearest, weights);
        return eval;
    }

    private int[] rawRows(int m) {
        int r = Math.min(cfg.eval().rawSamples(), m);
        int[] rows = new int[r];
        for (int i = 0; i < r; i++) {
            rows[i] = i * cfg.eval().perCondition();   // the first sample of the first conditions
        }
        return java.util.Arrays.stream(rows).filter(x -> x < m).toArray();
    }

    private CheckpointEval.RetrievalResult retrieval(ConditionSet set, NearestNeighbors nn, float[] weights) {
        int q = set.size();
        int n = train.size();
        int k = cfg.eval().perCondition();
        float[] freq = Retrieval.frequencies(nn, q, k);
        List<Double> tv = new ArrayList<>();
        double sum = 0;
        double noise = 0;
        int counted = 0;
        for (int c = 0; c < q; c++) {
            int memorized = 0;
            for (int s = c * k; s < (c + 1) * k; s++) {
                memorized += nn.memorized(s) ? 1 : 0;
            }
            if (memorized == 0) {
                tv.add(Double.NaN);
                continue;
            }
            double d = Retrieval.tv(freq, weights, c, n);
            tv.add(d);
            sum += d;
            noise += Retrieval.samplingNoiseTv(weights, c, n, memorized, 200, cfg.seed() + c);
            counted++;
        }
        return new CheckpointEval.RetrievalResult(cfg.train().sigmaAug(), set.name(), tv,
                counted == 0 ? Double.NaN : sum / counted, counted == 0 ? Double.NaN : noise / counted, counted);
    }

    // Network and closed-form x0 at the same (x_t, t, c): x_t built from the true HR patch with fixed noise.
    private CheckpointEval.R2Result r2(TrainedModel model, ConditionSet set, NDManager m) {
        ClosedFormDenoiser closedForm = new ClosedFormDenoiser(model.schedule(), pairs, cfg.train().sigmaAug());
        Process process = new Process(model.schedule(), cfg.diffusion().prediction());
        int q = set.size();
        List<Integer> times = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (int t : cfg.eval().r2Times()) {
            if (t >= model.schedule().steps()) {
                continue;
            }
            try (NDManager sm = m.newSubManager()) {
                NDArray x0 = sm.create(set.hr().data(), new Shape(set.hr().shape()));
                int[] rows = java.util.stream.IntStream.range(0, q).toArray();
                NDArray eps = NoiseStreams.of(set.seed() + t, rows, new int[q]).next(sm, x0.getShape().slice(1));
                NDArray tt = sm.full(new Shape(q), t, ai.djl.ndarray.types.DataType.INT32);
                NDArray xt = process.noisy(x0, eps, tt);
                NDArray c = sm.create(set.lr().data(), new Shape(set.lr().shape()));
                float[] net = model.denoiser().denoise(xt, tt, c).toFloatArray();
                float[] ref = closedForm.denoise(xt, tt, c).toFloatArray();
                times.add(t);
                values.add(Retrieval.r2(ref, net));
            }
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        return new CheckpointEval.R2Result(set.name(), times, values, median(sorted));
    }

    private void write(Path ck, CheckpointEval eval, Map<String, NpyArray> samples,
                       Map<String, NearestNeighbors> nearest, float[] weights) throws IOException {
        AtomicFiles.writeFolder(resultDir(ck), tmp -> {
            for (ConditionSet set : sets) {
                Path dir = tmp.resolve(set.name());
                Files.createDirectories(dir);
                NpyArray x = samples.get(set.name());
                Npy.write(dir.resolve("samples.npy"), x);
                Npy.write(dir.resolve("conditions.npy"), set.lr());
                Npy.write(dir.resolve("targets.npy"), set.hr());
                NearestNeighbors nn = nearest.get(set.name());
                SampleEvaluator.write(dir, nn, EvalSummary.of(nn, dir.resolve("samples.npy").toString(),
                        "", cfg.data().dir(), "", train.info().contentHash(), cfg.eval().block()));
                if (set.name().equals("heldout") && weights != null) {
                    Npy.write(dir.resolve("weights.npy"), weights, set.size(), train.size());
                    Npy.write(dir.resolve("frequencies.npy"),
                            Retrieval.frequencies(nn, set.size(), cfg.eval().perCondition()), set.size(), train.size());
                }
            }
            Json.write(tmp.resolve("summary.json"), eval);
        });
        writeIndex();
    }

    /** eval/index.json: every evaluated checkpoint's summary, oldest first (what the figures read). */
    public void writeIndex() throws IOException {
        List<Object> all = new ArrayList<>();
        for (Path ck : Checkpoint.list(runDir.resolve("checkpoints"))) {
            Path s = resultDir(ck).resolve("summary.json");
            if (Files.isRegularFile(s)) {
                all.add(Json.MAPPER.readTree(s.toFile()));
            }
        }
        Json.write(runDir.resolve("eval").resolve("index.json"), Map.of("run", runDir.toString(),
                "configHash", Hashes.text(Json.text(cfg) + "\n"), "checkpoints", all));
    }

    static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    @Override
    public void close() {
        index.close();
        if (pairs != null) {
            pairs.close();
        }
    }
}
