package dev.patchmem.figures;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A figure of a study run, drawn only from its evaluation files. */
public interface RunFigure {

    /** The files a figure wrote (PNGs first, then the CSVs behind them) and its caption. */
    record Drawn(String title, String caption, List<Path> files) {
    }

    /** Draws into {@code outDir}; returns null when the run's evaluation has nothing for this figure. */
    Drawn draw(EvalRecords rec, Path outDir) throws IOException;
}
