package dev.patchmem.cli;

import dev.patchmem.figures.EvalRecords;
import dev.patchmem.figures.Report;
import dev.patchmem.figures.RunFigure;
import dev.patchmem.figures.StudyFigures;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code patchmem figures}: PNG figures, the CSV behind each, and report.html for an evaluated run. */
@Command(name = "figures", mixinStandardHelpOptions = true,
        description = "Draw the figures of an evaluated run (from its evaluation files only) and write report.html.")
public final class FiguresCommand implements Callable<Integer> {

    @Option(names = "--run", required = true, description = "run folder evaluated with patchmem evaluate --run")
    Path run;

    @Override
    public Integer call() throws Exception {
        String experiment = toyExperiment(run);
        if (experiment != null) {
            return toy(experiment);
        }
        List<RunFigure.Drawn> drawn = StudyFigures.draw(run);
        Map<String, Path> appendix = new LinkedHashMap<>();
        appendix.put("Config", run.resolve("config.json"));
        appendix.put("Provenance", run.resolve("provenance.json"));
        Path report = run.resolve("report.html");
        Report.write(report, "patchmem study: " + run.getFileName(), List.of(new Report.Section("Patch study",
                Report.studyNumbers(EvalRecords.read(run)), drawn, run)), appendix);
        System.out.println(run + ": " + drawn.size() + " figures in " + run.resolve("figures") + "; report " + report);
        return 0;
    }

    // "phases" or "equivalence" for a toy run folder (its summary.json names the experiment), else null.
    static String toyExperiment(Path dir) throws java.io.IOException {
        Path summary = dir.resolve("summary.json");
        if (!java.nio.file.Files.isRegularFile(summary)) {
            return null;
        }
        String e = dev.patchmem.config.Json.MAPPER.readTree(summary.toFile()).path("experiment").asText("");
        return e.isEmpty() ? null : e;
    }

    private int toy(String experiment) throws Exception {
        Path out = run.resolve("figures");
        RunFigure.Drawn d = experiment.equals("phases") ? dev.patchmem.figures.ToyPhasesFigure.draw(run, out)
                : dev.patchmem.figures.ToyEquivalenceFigure.draw(run, out);
        Path report = run.resolve("report.html");
        Report.write(report, "patchmem toy " + experiment + ": " + run.getFileName(), List.of(new Report.Section(
                "Toy " + experiment, Map.of(), List.of(d), run)), Map.of("Summary", run.resolve("summary.json")));
        System.out.println(run + ": toy " + experiment + " figures in " + out + "; report " + report);
        return 0;
    }
}
