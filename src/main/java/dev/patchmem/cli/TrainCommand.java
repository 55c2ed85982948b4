package dev.patchmem.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.patchmem.config.Home;
import dev.patchmem.config.Json;
import dev.patchmem.config.Provenance;
import dev.patchmem.config.StudyConfig;
import dev.patchmem.train.Checkpoint;
import dev.patchmem.train.Devices;
import dev.patchmem.train.PatchTraining;
import dev.patchmem.train.TrainingLoop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code patchmem train}: trains the conditional U-Net of a study config into a run folder. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the conditional diffusion U-Net with noise-augmented conditions; checkpoints in RUN.")
public final class TrainCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--run", description = "run folder (default runs/<config name>)")
    Path run;

    @Option(names = "--resume", description = "continue from the newest complete checkpoint of the run")
    boolean resume;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or gpu (default ${DEFAULT-VALUE})")
    String device;

    @Override
    public Integer call() throws Exception {
        Path runDir = run != null ? run : Path.of("runs", configName());
        Path stored = runDir.resolve("config.json");
        boolean hasCheckpoints = Checkpoint.latest(runDir.resolve("checkpoints")).isPresent();
        StudyConfig cfg = config.load(resume && config.config == null && Files.exists(stored) ? stored : null);
        if (config.dryRun) {
            System.out.println(Json.text(cfg));
            return 0;
        }
        if (hasCheckpoints && !resume) {
            throw new IllegalArgumentException(runDir + " already has checkpoints: add --resume, or pick another --run");
        }
        java.util.List<Device> devices = Devices.all(device);
        Device dev = devices.get(0);
        try (NDManager manager = NDManager.newBaseManager(dev)) {
            PatchTraining job = PatchTraining.open(cfg, Home.resolve(cfg.data().dir()), runDir, manager, devices);
            System.err.printf(Locale.ROOT, "train on %s: U-Net %,d parameters, N = %d pairs, %s -> %s%n",
                    devices, job.parameterCount(), job.pairs(), cfg.data().dir(), runDir);
            if (!Files.exists(runDir.resolve("provenance.json"))) {
                Provenance.capture(cfg.seed(), job.datasetHash(), "patchmem train " + String.join(" ", CliSupport.args()),
                        Devices.info(dev)).writeTo(runDir);
            }
            TrainingLoop.Result r = job.train();
            System.out.printf(Locale.ROOT, "%s: %d steps, final loss %.5f, %.1f s (%.2f steps/s), last checkpoint %s%n",
                    runDir, r.steps(), r.finalLoss(), r.wallSeconds(), r.stepsPerSecond(), r.lastCheckpoint());
        }
        return 0;
    }

    private String configName() {
        if (config.config == null) {
            throw new IllegalArgumentException("--config FILE or --run DIR is required");
        }
        String n = Path.of(config.config).getFileName().toString();
        return n.endsWith(".json") ? n.substring(0, n.length() - 5) : n;
    }
}
