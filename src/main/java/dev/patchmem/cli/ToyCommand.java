package dev.patchmem.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.patchmem.config.ConfigLoader;
import dev.patchmem.config.Home;
import dev.patchmem.config.Json;
import dev.patchmem.config.Provenance;
import dev.patchmem.toy.EquivalenceJob;
import dev.patchmem.toy.PhasesJob;
import dev.patchmem.toy.ToyConfig;
import dev.patchmem.toy.ToyData;
import dev.patchmem.train.Devices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code patchmem toy}: the two toy experiments of the slides on 2-D data with a small MLP. */
@Command(name = "toy", mixinStandardHelpOptions = true,
        description = {"Toy experiments on 2-D data with an MLP denoiser, trained and sampled like the U-Net.",
                "phases: under-fit, p_true and memorization phases across the checkpoints of an unconditional run.",
                "equivalence: retrieval frequencies for new conditions against the kernel posterior P(i | c), one"
                        + " run per sigma_aug.",
                "A rerun with the same config resumes training and skips completed evaluations."})
public final class ToyCommand implements Callable<Integer> {

    /** The two experiments. */
    enum Experiment { phases, equivalence }

    @Parameters(index = "0", paramLabel = "EXPERIMENT", description = "phases or equivalence")
    Experiment experiment;

    @Option(names = "--config", description = "toy config (JSON); default configs/toy-EXPERIMENT.json")
    String config;

    @Option(names = "--run", description = "run folder (default runs/<config name>)")
    Path run;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config key, e.g. train.steps=500")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--dry-run", description = "print the resolved config and exit")
    boolean dryRun;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or gpu (default ${DEFAULT-VALUE})")
    String device;

    @Override
    public Integer call() throws Exception {
        String file = config != null ? config : "configs/toy-" + experiment + ".json";
        Path path = Home.resolve(file);
        ToyConfig cfg = ConfigLoader.load(path, ToyConfig.class, ToyConfig.DEFAULT, overrides);
        if (dryRun) {
            System.out.println(Json.text(cfg));
            return 0;
        }
        Path runDir = run != null ? run : Path.of("runs", name(path));
        Device dev = Devices.pick(device);
        String command = "patchmem toy " + String.join(" ", CliSupport.args());
        long t0 = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager(dev)) {
            System.err.printf(Locale.ROOT, "patchmem toy %s: %s, MLP %d x %d, %d steps -> %s%n", experiment, dev,
                    cfg.mlp().layers(), cfg.mlp().hidden(), cfg.train().steps(), runDir);
            if (experiment == Experiment.phases) {
                provenance(runDir, cfg, ToyData.hash(PhasesJob.trainPoints(cfg)), command, dev);
                report(new PhasesJob(cfg, runDir, manager, System.err::println).run());
            } else {
                ToyConfig.Equivalence e = cfg.equivalence();
                provenance(runDir, cfg, ToyData.hash(ToyData.circle(e.points(), e.radius())), command, dev);
                report(new EquivalenceJob(cfg, runDir, manager, System.err::println).run(), e.targetTv());
            }
        }
        System.out.printf(Locale.ROOT, "wall time %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private static void provenance(Path runDir, ToyConfig cfg, String dataHash, String command, Device dev)
            throws java.io.IOException {
        Files.createDirectories(runDir);
        if (!Files.exists(runDir.resolve("provenance.json"))) {
            Provenance.capture(cfg.seed(), dataHash, command, Devices.info(dev)).writeTo(runDir);
        }
    }

    private static void report(PhasesJob.Result r) {
        PhasesJob.Reference ref = r.reference();
        System.out.printf(Locale.ROOT, "p_true samples: log-lik %.3f, memorized %.3f; training points: log-lik %.3f%n",
                ref.freshLogLikelihood(), ref.freshMemorized(), ref.trainLogLikelihood());
        for (PhasesJob.Point p : r.checkpoints()) {
            System.out.printf(Locale.ROOT, "step %7d: log-lik %7.3f, memorized %.3f, mean d1 %.4f, %s%n", p.step(),
                    p.meanLogLikelihood(), p.memorizedFraction(), p.meanD1(), p.phase().name().toLowerCase(Locale.ROOT));
        }
        System.out.printf(Locale.ROOT, "%s: all three phases in order: %s; train %.1f s, eval %.1f s%n", r.summary(),
                r.allThreePhases() ? "yes" : "NO", r.trainSeconds(), r.evalSeconds());
    }

    private static void report(EquivalenceJob.Result r, double target) {
        for (EquivalenceJob.SigmaResult s : r.sigmas()) {
            System.out.printf(Locale.ROOT, "%s: last TV %s (target %.3f: %s); sampling noise %s; closed form %s;"
                            + " train %.1f s, eval %.1f s%n", s.folder(), list(s.lastTv()), target,
                    s.targetMet() ? "met" : "NOT met", list(s.samplingNoiseTv()), list(s.closedFormTv()),
                    s.trainSeconds(), s.evalSeconds());
        }
        System.out.printf(Locale.ROOT, "%s: target TV <= %.3f for every sigma and condition: %s%n", r.summary(), target,
                r.targetMet() ? "met" : "NOT met");
    }

    private static String list(double[] v) {
        return Arrays.stream(v).mapToObj(x -> String.format(Locale.ROOT, "%.4f", x))
                .collect(Collectors.joining(" ", "[", "]"));
    }

    private static String name(Path config) {
        String n = config.getFileName().toString();
        return n.endsWith(".json") ? n.substring(0, n.length() - 5) : n;
    }
}
