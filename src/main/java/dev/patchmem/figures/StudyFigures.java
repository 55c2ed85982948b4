package dev.patchmem.figures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Figures 3 to 7 of a study run, into runDir/figures. */
public final class StudyFigures {

    /** The figures, in report order. */
    public static final List<RunFigure> ALL = List.of(new DistanceHistogramFigure("train", "textured"),
            new DistanceHistogramFigure("flat", "untextured (flat)"), new MemorizationFigure(), new RetrievalFigure(),
            new R2Figure());

    private StudyFigures() {
    }

    /** Draws every figure the run's evaluation supports; returns what was drawn. */
    public static List<RunFigure.Drawn> draw(Path runDir) throws IOException {
        EvalRecords rec = EvalRecords.read(runDir);
        Path out = runDir.resolve("figures");
        Files.createDirectories(out);
        List<RunFigure.Drawn> drawn = new ArrayList<>();
        for (RunFigure f : ALL) {
            RunFigure.Drawn d = f.draw(rec, out);
            if (d != null) {
                drawn.add(d);
            }
        }
        return drawn;
    }
}
