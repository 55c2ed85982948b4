package dev.patchmem.toy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.patchmem.config.Json;
import dev.patchmem.diffusion.NoiseSchedule;
import dev.patchmem.diffusion.Process;
import dev.patchmem.io.AtomicFiles;
import dev.patchmem.io.NpyArray;
import dev.patchmem.model.Mlp;
import dev.patchmem.train.PairSource;
import dev.patchmem.train.TrainingLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A toy training job: the MLP on toy pairs (x_dst, x_src), or on points alone when unconditional,
 * trained by the {@link TrainingLoop} of the patch study into one run folder (checkpoints,
 * metrics.jsonl, exact resume).
 */
public final class ToyTraining {

    private final Mlp net;
    private final TrainingLoop loop;
    private final Path runDir;

    private ToyTraining(Mlp net, TrainingLoop loop, Path runDir) {
        this.net = net;
        this.loop = loop;
        this.runDir = runDir;
    }

    /**
     * Builds the MLP and the loop over {@code xDst} (N, d) and {@code xSrc} (N, d') or null, and writes
     * the run's config.json; a folder that already holds a different config is refused.
     */
    public static ToyTraining open(ToyConfig cfg, NpyArray xDst, NpyArray xSrc, Path runDir, NDManager manager)
            throws IOException {
        String configJson = Json.text(cfg) + "\n";
        writeConfig(runDir, configJson);
        Mlp net = network(cfg, manager, xDst.rowSize(), xSrc == null ? 0 : xSrc.rowSize());
        NDArray dst = manager.create(xDst.data(), new Shape(xDst.shape()));
        NDArray src = xSrc == null ? null : manager.create(xSrc.data(), new Shape(xSrc.shape()));
        TrainingLoop loop = new TrainingLoop(java.util.List.of(net), process(cfg), cfg.train(), cfg.seed(), new PairSource.Arrays(dst, src),
                runDir, configJson, manager);
        return new ToyTraining(net, loop, runDir);
    }

    /** Writes {@code configJson} as {@code runDir}/config.json unless a different one is there (then an error). */
    static void writeConfig(Path runDir, String configJson) throws IOException {
        Path stored = runDir.resolve("config.json");
        if (Files.exists(stored) && !Files.readString(stored).equals(configJson)) {
            throw new IllegalArgumentException(stored + " holds a different config; rerun with that config to resume,"
                    + " or use another --run");
        }
        Files.createDirectories(runDir);
        AtomicFiles.writeString(stored, configJson);
    }

    /** The MLP of {@code cfg} for rows of {@code dataDim} values and conditions of {@code condDim} (0: none). */
    public static Mlp network(ToyConfig cfg, NDManager manager, int dataDim, int condDim) {
        ToyConfig.MlpConfig m = cfg.mlp();
        return new Mlp(manager, dataDim, condDim, m.hidden(), m.layers(), m.timeEmbedding(), cfg.seed());
    }

    /** The forward process of {@code cfg}. */
    public static Process process(ToyConfig cfg) {
        return new Process(NoiseSchedule.of(cfg.diffusion()), cfg.diffusion().prediction());
    }

    /** Trains to train.steps (resuming from the newest checkpoint) and writes train.json. */
    public TrainingLoop.Result train() throws IOException {
        TrainingLoop.Result r = loop.run();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("steps", r.steps());
        summary.put("finalLoss", r.finalLoss());
        summary.put("wallSeconds", r.wallSeconds());
        summary.put("stepsPerSecond", r.stepsPerSecond());
        summary.put("parameters", net.params().count());
        Json.write(runDir.resolve("train.json"), summary);
        return r;
    }

    /** Scalar parameters of the MLP. */
    public long parameterCount() {
        return net.params().count();
    }
}
