package dev.patchmem.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.patchmem.config.Json;
import dev.patchmem.config.StudyConfig;
import dev.patchmem.data.PatchSet;
import dev.patchmem.diffusion.NoiseSchedule;
import dev.patchmem.diffusion.Process;
import dev.patchmem.io.AtomicFiles;
import dev.patchmem.io.NpyArray;
import dev.patchmem.model.UNet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A patch study's training job: its patch set on the device, its U-Net and its loop. */
public final class PatchTraining {

    private final StudyConfig cfg;
    private final PatchSet set;
    private final UNet net;
    private final TrainingLoop loop;
    private final Path runDir;
    private final Process process;

    private PatchTraining(StudyConfig cfg, PatchSet set, UNet net, TrainingLoop loop, Path runDir, Process process) {
        this.cfg = cfg;
        this.set = set;
        this.net = net;
        this.loop = loop;
        this.runDir = runDir;
        this.process = process;
    }

    /**
     * Loads the patch set of {@code dataDir}, checks it against the config, builds the U-Net and
     * writes the run's config.json (a resumed run must match it).
     */
    public static PatchTraining open(StudyConfig cfg, Path dataDir, Path runDir, NDManager manager) throws IOException {
        return open(cfg, dataDir, runDir, manager, List.of(manager.getDevice()));
    }

    /**
     * As {@link #open(StudyConfig, Path, Path, NDManager)}, training data-parallel with one U-Net
     * replica per entry of {@code devices} (the first is {@code manager}'s).
     */
    public static PatchTraining open(StudyConfig cfg, Path dataDir, Path runDir, NDManager manager,
                                     List<ai.djl.Device> devices) throws IOException {
        PatchSet set = PatchSet.load(dataDir);
        if (set.patch() != cfg.data().patch()) {
            throw new IllegalArgumentException(dataDir.resolve("hr.npy") + " holds " + set.patch() + "x" + set.patch()
                    + " patches but data.patch is " + cfg.data().patch());
        }
        String configJson = Json.text(cfg) + "\n";
        Path stored = runDir.resolve("config.json");
        if (Files.exists(stored) && !Files.readString(stored).equals(configJson)) {
            throw new IllegalArgumentException(stored + " holds a different config; resume with that config or use"
                    + " another --run");
        }
        Files.createDirectories(runDir);
        AtomicFiles.writeString(stored, configJson);
        UNet net = new UNet(manager, cfg.model(), cfg.data().patch(), cfg.seed());
        List<dev.patchmem.model.Network> replicas = new java.util.ArrayList<>(List.of(net));
        for (ai.djl.Device d : devices.subList(1, devices.size())) {
            replicas.add(new UNet(manager.newSubManager(d), cfg.model(), cfg.data().patch(), cfg.seed()));
        }
        NDArray hr = toDevice(manager, set.hr());
        NDArray lr = toDevice(manager, set.lr());
        Process process = new Process(NoiseSchedule.of(cfg.diffusion()), cfg.diffusion().prediction());
        TrainingLoop loop = new TrainingLoop(replicas, process, cfg.train(), cfg.seed(), new PairSource.Arrays(hr, lr),
                runDir, configJson, manager);
        return new PatchTraining(cfg, set, net, loop, runDir, process);
    }

    private static NDArray toDevice(NDManager m, NpyArray a) {
        return m.create(a.data(), new Shape(a.shape()));
    }

    /** Trains to the configured number of steps and writes train.json. */
    public TrainingLoop.Result train() throws IOException {
        TrainingLoop.Result r = loop.run();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("steps", r.steps());
        summary.put("finalLoss", r.finalLoss());
        summary.put("wallSeconds", r.wallSeconds());
        summary.put("stepsPerSecond", r.stepsPerSecond());
        summary.put("parameters", parameterCount());
        summary.put("pairs", pairs());
        summary.put("datasetHash", datasetHash());
        Json.write(runDir.resolve("train.json"), summary);
        return r;
    }

    /** The loop (tests drive single steps). */
    TrainingLoop loop() {
        return loop;
    }

    /** The network being trained, as a denoiser with clamped x0 (raw weights, not EMA). */
    public dev.patchmem.diffusion.Denoiser denoiser() {
        return new dev.patchmem.diffusion.NetworkDenoiser(net, process, true);
    }

    /** The main U-Net. */
    public UNet network() {
        return net;
    }

    public NoiseSchedule schedule() {
        return process.schedule();
    }

    public long parameterCount() {
        return net.params().count();
    }

    public int pairs() {
        return set.size();
    }

    public String datasetHash() {
        return set.info().contentHash();
    }

    public StudyConfig config() {
        return cfg;
    }
}
