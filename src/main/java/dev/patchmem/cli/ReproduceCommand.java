package dev.patchmem.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.patchmem.config.ConfigLoader;
import dev.patchmem.config.Home;
import dev.patchmem.config.Json;
import dev.patchmem.config.Provenance;
import dev.patchmem.config.StudyConfig;
import dev.patchmem.data.PatchParams;
import dev.patchmem.data.PatchSet;
import dev.patchmem.data.PatchSetBuilder;
import dev.patchmem.eval.RunEvaluator;
import dev.patchmem.figures.EvalRecords;
import dev.patchmem.figures.Report;
import dev.patchmem.figures.RunFigure;
import dev.patchmem.figures.StudyFigures;
import dev.patchmem.figures.ToyEquivalenceFigure;
import dev.patchmem.figures.ToyPhasesFigure;
import dev.patchmem.toy.EquivalenceJob;
import dev.patchmem.toy.PhasesJob;
import dev.patchmem.toy.ToyConfig;
import dev.patchmem.io.AtomicFiles;
import dev.patchmem.train.Checkpoint;
import dev.patchmem.train.Devices;
import dev.patchmem.train.PatchTraining;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code patchmem reproduce}: the whole study from one command, stage by stage into one folder;
 * stages already complete there are skipped, so a rerun after a kill continues.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = "Run the whole study (data, train, evaluate, figures, report) for a config into OUT.")
public final class ReproduceCommand implements Callable<Integer> {

    @Option(names = "--config", defaultValue = "configs/default.json",
            description = "study config (default ${DEFAULT-VALUE}: the embedded CPU study)")
    String config;

    @Option(names = "--out", description = "output folder (default runs/reproduce-<config name>)")
    Path out;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config key, e.g. train.steps=500")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or gpu (default ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--toy-phases", defaultValue = "configs/toy-phases.json",
            description = "toy phases config (default ${DEFAULT-VALUE})")
    String toyPhases;

    @Option(names = "--toy-equivalence", defaultValue = "configs/toy-equivalence.json",
            description = "toy equivalence config (default ${DEFAULT-VALUE})")
    String toyEquivalence;

    @Option(names = "--skip-toys", description = "leave out the two toy experiments")
    boolean skipToys;

    private final long start = System.nanoTime();
    private final List<String> stages = List.of("data", "toy phases", "toy equivalence", "train", "evaluate",
            "figures and report");
    private int stage;

    @Override
    public Integer call() throws Exception {
        Path configFile = Home.resolve(config);
        String name = configFile.getFileName().toString().replaceFirst("\\.json$", "");
        Path dir = out != null ? out : Path.of("runs", "reproduce-" + name);
        List<String> all = new ArrayList<>(overrides);
        all.add("data.dir=" + dir.resolve("data"));
        StudyConfig cfg = ConfigLoader.load(configFile, StudyConfig.class, StudyConfig.DEFAULT, all);
        List<Device> devices = Devices.all(device);                 // a bad --device fails before any work
        Files.createDirectories(dir);
        Path run = dir.resolve("study");
        for (Path d : List.of(dir, dir.resolve("data"), run, run.resolve("eval"), run.resolve("figures"))) {
            AtomicFiles.cleanStale(d);                              // a killed run's half-written files; ours alone
        }

        begin();                                                    // data
        Path data = dir.resolve("data");
        if (PatchSet.exists(data)) {
            if (!Files.exists(data.resolve("provenance.json"))) {   // killed between the set and its provenance
                Provenance.capture(cfg.seed(), PatchSet.load(data).info().contentHash(), command(),
                        Provenance.EngineInfo.NONE).writeTo(data);
            }
            done("complete, kept");
        } else {
            PatchSetBuilder.Result r = new PatchSetBuilder(new PatchParams(cfg.data().patch(),
                    cfg.data().effectiveStride(), cfg.data().flatStd(), cfg.data().maxPatches(), cfg.seed(), false))
                    .build(Home.resolve(cfg.data().images()), data, new LinkedHashSet<>(cfg.data().holdout()));
            Provenance.capture(cfg.seed(), r.train().contentHash(), command(), Provenance.EngineInfo.NONE).writeTo(data);
            done(r.train().count() + " training patches, " + (r.heldout() == null ? 0 : r.heldout().count())
                    + " held out");
        }

        try (NDManager manager = NDManager.newBaseManager(devices.get(0))) {
            begin();                                                // toy phases
            if (skipToys) {
                done("skipped");
            } else {
                var r = new PhasesJob(toyConfig(toyPhases), dir.resolve("toy-phases"), manager, line -> { }).run();
                done(r.allThreePhases() ? "all three phases seen" : "not all three phases seen: see its summary.json");
            }
            begin();                                                // toy equivalence
            if (skipToys) {
                done("skipped");
            } else {
                var r = new EquivalenceJob(toyConfig(toyEquivalence), dir.resolve("toy-equivalence"), manager,
                        line -> { }).run();
                done(r.targetMet() ? "TV target met for every sigma_aug and condition" : "TV target not met: see its"
                        + " summary.json");
            }

            begin();                                                // train
            // train.json comes after the final checkpoint; without it the job resumes and only writes it.
            if (Checkpoint.isComplete(run.resolve("checkpoints").resolve(Checkpoint.name(cfg.train().steps())))
                    && Files.isRegularFile(run.resolve("train.json"))) {
                done("complete, kept");
            } else {
                PatchTraining job = PatchTraining.open(cfg, data, run, manager, devices);
                if (!Files.exists(run.resolve("provenance.json"))) {
                    Provenance.capture(cfg.seed(), job.datasetHash(), command(), Devices.info(devices.get(0)))
                            .writeTo(run);
                }
                var r = job.train();
                done(String.format(Locale.ROOT, "%d steps, %.2f steps/s, %,d parameters", r.steps(),
                        r.stepsPerSecond(), job.parameterCount()));
            }

            begin();                                                // evaluate
            try (RunEvaluator ev = RunEvaluator.open(run, manager)) {
                List<Path> pending = ev.pending();
                var bar = new dev.patchmem.train.Progress("evaluate", "samples", 0,
                        (long) pending.size() * ev.samplesPerCheckpoint());
                for (int i = 0; i < pending.size(); i++) {
                    long base = (long) i * ev.samplesPerCheckpoint();
                    ev.evaluate(pending.get(i), n -> bar.update(base + n, ""));
                }
                ev.writeIndex();
                done(pending.size() + " checkpoints evaluated");
            }
        }

        begin();                                                    // figures and report
        List<RunFigure.Drawn> drawn = StudyFigures.draw(run);
        Map<String, Path> appendix = new LinkedHashMap<>();
        appendix.put("Config", run.resolve("config.json"));
        appendix.put("Provenance", run.resolve("provenance.json"));
        Path report = dir.resolve("report.html");
        Map<String, String> numbers = Report.studyNumbers(EvalRecords.read(run));
        List<Report.Section> sections = new ArrayList<>();
        if (!skipToys) {
            List<RunFigure.Drawn> toys = new ArrayList<>();
            RunFigure.Drawn phases = ToyPhasesFigure.draw(dir.resolve("toy-phases"), dir.resolve("toy-phases/figures"));
            RunFigure.Drawn equivalence = ToyEquivalenceFigure.draw(dir.resolve("toy-equivalence"),
                    dir.resolve("toy-equivalence/figures"));
            for (RunFigure.Drawn d : new RunFigure.Drawn[] {phases, equivalence}) {
                if (d != null) {
                    toys.add(d);
                }
            }
            sections.add(new Report.Section("Toy experiments (2-D)", Map.of(), toys, dir));
        }
        sections.add(new Report.Section("Real patches, 2x upsampling", numbers, drawn, run));
        Report.write(report, "patchmem: " + name, sections, appendix);
        Json.write(dir.resolve("reproduce.json"), Map.of("config", configFile.toString(), "seconds", elapsed(),
                "numbers", numbers));
        done(drawn.size() + " figures");
        System.out.printf(Locale.ROOT, "report: %s (%.0f s in all)%n", report.toAbsolutePath(), elapsed());
        return 0;
    }

    private static ToyConfig toyConfig(String file) throws java.io.IOException {
        return ConfigLoader.load(Home.resolve(file), ToyConfig.class, ToyConfig.DEFAULT, List.of());
    }

    private void begin() {
        stage++;
        System.out.printf(Locale.ROOT, "[%d/%d %s] %s%n", stage, stages.size(), clock(), stages.get(stage - 1));
        System.out.flush();
    }

    private void done(String what) {
        System.out.printf(Locale.ROOT, "[%d/%d %s] %s: %s%n", stage, stages.size(), clock(), stages.get(stage - 1),
                what);
        System.out.flush();
    }

    private double elapsed() {
        return (System.nanoTime() - start) / 1e9;
    }

    private String clock() {
        long s = Math.round(elapsed());
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private static String command() {
        return "patchmem reproduce " + String.join(" ", CliSupport.args());
    }
}
