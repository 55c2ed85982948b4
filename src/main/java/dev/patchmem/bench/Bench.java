package dev.patchmem.bench;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.patchmem.config.ConfigLoader;
import dev.patchmem.config.Home;
import dev.patchmem.config.Json;
import dev.patchmem.config.StudyConfig;
import dev.patchmem.model.UNet;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything {@code patchmem bench} measures, in one process so that ratios (distance job over
 * GEMM, DDPM over DDIM) are same-run ratios: training steps of the smoke config and a larger one,
 * sampler throughput, whether DDIM keeps the memorization of DDPM, the evaluator's distance job
 * against a plain GEMM of the same shape ({@link DistanceBench}), and peak RSS.
 * bench/run.sh puts these next to the PyTorch twins of bench/peer/.
 */
public final class Bench {

    /** The smoke config: the tiny U-Net on 16 x 16 patches, batch 32. */
    static final String SMOKE = "configs/smoke.json";
    /** The larger training figure: the small U-Net on 32 x 32 patches, batch 32. */
    static final String LARGER_PRESET = "models/unet-small.json";

    /**
     * @param parameters U-Net parameter counts of the tiny and small presets at P = 16 and 32, to
     *                   compare with bench/peer/params.py
     * @param peakRssMb  VmHWM at the end
     */
    public record Report(boolean quick, Machine machine, Map<String, Long> parameters,
                         List<TrainStepBench.Result> train, SamplerBench.Result sampler,
                         MemorizationCheck.Result memorization, DistanceBench.Result distance, double peakRssMb,
                         double wallSeconds) {
    }

    /** Sizes of a full run and of the seconds-long --quick smoke check. */
    record Sizes(int smokeBatch, int smokeWarmup, int smokeSteps, int largerPatch, int largerBatch, int largerWarmup, int largerSteps,
                 int samplerTimesteps, int ddimSteps, int samplerPatches, int memoPairs, int memoSteps,
                 int memoPerCondition, int distM, int distN, int distD, int distBlock, int distReps) {
        // Warm-up: the JVM compiles DJL's call paths during the first steps.
        static final Sizes FULL = new Sizes(32, 40, 60, 32, 32, 5, 20, 1000, 50, 32, 8, 400, 4, 1024, 65536, 3072, 8192,
                3);
        static final Sizes QUICK = new Sizes(8, 1, 1, 16, 8, 1, 1, 20, 2, 2, 2, 2, 1, 64, 2048, 192, 512, 1);
    }

    private Bench() {
    }

    /** Runs every section on {@code manager}'s device, logging a line per section to {@code log}. */
    public static Report run(NDManager manager, boolean quick, PrintStream log) throws IOException {
        Sizes z = quick ? Sizes.QUICK : Sizes.FULL;
        long t0 = System.nanoTime();
        Map<String, Long> parameters = parameterCounts(manager);
        List<TrainStepBench.Result> train = new ArrayList<>();
        StudyConfig smoke = trainConfig("smoke", z);
        train.add(logged(log, "train smoke", () -> TrainStepBench.run(manager, "smoke", smoke, 256, z.smokeWarmup(),
                z.smokeSteps())));
        StudyConfig larger = trainConfig("larger", z);
        train.add(logged(log, "train larger", () -> TrainStepBench.run(manager, "larger", larger, 256,
                z.largerWarmup(), z.largerSteps())));
        StudyConfig sampling = config(null, "diffusion.timesteps=" + z.samplerTimesteps(),
                "sample.steps=" + z.ddimSteps());
        SamplerBench.Result sampler = logged(log, "sampler", () -> SamplerBench.run(manager, sampling, z.ddimSteps(),
                z.samplerPatches()));
        StudyConfig memo = config(null, "data.patch=8", "diffusion.timesteps=" + z.samplerTimesteps(),
                "sample.steps=" + z.ddimSteps(),
                "train.steps=" + z.memoSteps(), "train.lr=0.003", "train.warmupSteps=5", "train.sigmaAug=0.1",
                "train.emaDecay=0");
        MemorizationCheck.Result memorization = logged(log, "memorization", () -> MemorizationCheck.run(manager, memo,
                z.memoPairs(), z.ddimSteps(), z.memoPerCondition()));
        DistanceBench.Result distance = logged(log, "distance", () -> DistanceBench.run(manager, z.distM(), z.distN(),
                z.distD(), z.distBlock(), 64, z.distReps(), 0));
        return new Report(quick, Machine.now(), parameters, train, sampler, memorization, distance,
                Machine.peakRssMb(), (System.nanoTime() - t0) / 1e9);
    }

    /** The config of the training-step figure {@code name}: "smoke" (the tiny U-Net) or "larger" (the small one). */
    static StudyConfig trainConfig(String name, Sizes z) throws IOException {
        return switch (name) {
            case "smoke" -> config(null, "train.batchSize=" + z.smokeBatch());
            case "larger" -> config(LARGER_PRESET, "data.patch=" + z.largerPatch(), "train.batchSize=" + z.largerBatch(),
                    "diffusion.timesteps=1000");
            default -> throw new IllegalArgumentException("training-step figure '" + name + "': smoke or larger");
        };
    }

    /** The smoke config with {@code preset}'s model (null keeps the smoke model) and {@code overrides}. */
    static StudyConfig config(String preset, String... overrides) throws IOException {
        List<String> o = new ArrayList<>();
        if (preset != null) {
            o.add("model.preset=" + preset);
            JsonNode keys = Json.MAPPER.readTree(Home.resolve(preset).toFile());
            keys.fields().forEachRemaining(e -> o.add("model." + e.getKey() + "=" + e.getValue()));
        }
        o.addAll(List.of(overrides));
        Path file = Home.resolve(SMOKE);
        return ConfigLoader.load(file, StudyConfig.class, StudyConfig.DEFAULT, o);
    }

    private static Map<String, Long> parameterCounts(NDManager manager) throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String name : List.of("tiny", "small")) {
            for (int p : new int[] {16, 32}) {
                StudyConfig cfg = config("models/unet-" + name + ".json", "data.patch=" + p);
                try (UNet net = new UNet(manager, cfg.model(), p, 0)) {
                    out.put(name + "-p" + p, net.params().count());
                }
            }
        }
        return out;
    }

    /** A section that may throw checked exceptions. */
    interface Section<T> {
        T run() throws IOException;
    }

    private static <T> T logged(PrintStream log, String what, Section<T> section) throws IOException {
        long t0 = System.nanoTime();
        log.printf(Locale.ROOT, "bench: %s ...%n", what);
        T r = section.run();
        log.printf(Locale.ROOT, "bench: %s done in %.1f s%n", what, (System.nanoTime() - t0) / 1e9);
        return r;
    }
}
