package dev.patchmem.cli;

import ai.djl.ndarray.NDManager;
import dev.patchmem.config.EvalConfig;
import dev.patchmem.config.Provenance;
import dev.patchmem.data.PatchSet;
import dev.patchmem.eval.DistanceBins;
import dev.patchmem.eval.DistanceIndex;
import dev.patchmem.eval.EvalSummary;
import dev.patchmem.eval.NearestNeighbors;
import dev.patchmem.eval.Progress;
import dev.patchmem.eval.SampleEvaluator;
import dev.patchmem.io.AtomicFiles;
import dev.patchmem.io.Hashes;
import dev.patchmem.io.Npy;
import dev.patchmem.io.NpyArray;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code patchmem evaluate}: L2 distances from generated patches to every training patch, the two
 * nearest and the memorization ratio (Gu et al. 2023). The form is chosen by {@link Mode}: one set of
 * samples now; evaluating every checkpoint of a run joins it as a second, exclusive form.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Distances from generated patches to every training HR patch: histograms of d = L2 / sqrt(D),"
                + " the two nearest (d1, d2), d1/d2 and the memorization ratio (d1/d2 < 1/3).")
public final class EvaluateCommand implements Callable<Integer> {

    /** What to evaluate: exactly one form. */
    static final class Mode {
        @ArgGroup(exclusive = false, multiplicity = "1", heading = "Evaluate one set of samples:%n")
        SamplesForm samples;
    }

    /** {@code --samples FILE --dataset DIR --out DIR}. */
    static final class SamplesForm {
        @Option(names = "--samples", paramLabel = "FILE", required = true, description = "generated patches .npy, (M, 3, P, P)")
        Path samples;

        @Option(names = "--dataset", paramLabel = "DIR", required = true, description = "patch-set folder whose hr.npy is compared")
        Path dataset;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "result folder to write (replaced when complete)")
        Path out;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    @Option(names = "--bins", paramLabel = "B", description = "histogram bins B (default ${DEFAULT-VALUE})")
    int bins = EvalConfig.DEFAULT.bins();

    @Option(names = "--bin-max", paramLabel = "D", description = "upper edge of the last bin; larger d is counted there"
            + " (default ${DEFAULT-VALUE})")
    double binMax = EvalConfig.DEFAULT.binMax();

    @Option(names = "--block", paramLabel = "N", description = "training patches per block; memory O(rows x block)"
            + " (default ${DEFAULT-VALUE})")
    int block = EvalConfig.DEFAULT.block();

    @Option(names = "--row-chunk", paramLabel = "M", description = "samples per pass over the training set (default ${DEFAULT-VALUE})")
    int rowChunk = 4096;

    @Option(names = "--raw", split = ",", paramLabel = "ROW",
            description = "samples whose distances to all N training patches go to raw.npy (R, N)")
    List<Integer> raw = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        DistanceBins distanceBins = new DistanceBins(bins, binMax);
        if (block < 1 || rowChunk < 1) {
            throw new IllegalArgumentException("--block and --row-chunk must be >= 1");
        }
        return evaluateSamples(mode.samples, distanceBins);
    }

    private int evaluateSamples(SamplesForm f, DistanceBins distanceBins) throws Exception {
        PatchSet set = PatchSet.load(f.dataset);
        NpyArray samples = Npy.read(f.samples);
        SampleEvaluator.check(f.samples, samples, set);
        int[] rawRows = raw.stream().mapToInt(Integer::intValue).toArray();
        for (int r : rawRows) {
            if (r < 0 || r >= samples.rows()) {
                throw new IllegalArgumentException("--raw " + r + " outside 0.." + (samples.rows() - 1) + " ("
                        + f.samples + " holds " + samples.rows() + " samples)");
            }
        }
        try (NDManager manager = NDManager.newBaseManager();
             DistanceIndex index = new DistanceIndex(manager, set.hr(), block)) {
            NearestNeighbors nn = index.search(samples, distanceBins, rawRows, rowChunk, progressLine(System.err));
            EvalSummary summary = EvalSummary.of(nn, f.samples.toString(), Hashes.file(f.samples),
                    f.dataset.toString(), Hashes.file(f.dataset.resolve("hr.npy")), set.info().contentHash(), block);
            Provenance prov = Provenance.capture(0, set.info().contentHash(),
                    "patchmem evaluate " + String.join(" ", CliSupport.args()), EngineFacts.of(manager));
            AtomicFiles.writeFolder(f.out, tmp -> {
                SampleEvaluator.write(tmp, nn, summary);
                prov.writeTo(tmp);
            });
            System.out.printf(Locale.ROOT, "%s: %d samples vs %d training patches: memorization ratio %.4f (%d/%d),"
                            + " median d1 %.4f; %.2f s, %.3g pairs/s%n", f.out, nn.samples(), nn.pairs(),
                    summary.memorizationRatio(), summary.memorized(), nn.samples(), summary.medianD1(), nn.seconds(),
                    nn.pairsPerSecond());
        }
        return 0;
    }

    /** Plain progress lines on {@code err}, at most one per two seconds, and one at the end. */
    static Progress progressLine(PrintStream err) {
        long[] last = {System.nanoTime()};
        return (done, total, seconds) -> {
            long now = System.nanoTime();
            if (done < total && now - last[0] < 2_000_000_000L) {
                return;
            }
            last[0] = now;
            double rate = done / Math.max(seconds, 1e-9);
            err.printf(Locale.ROOT, "evaluate: %5.1f%% of %.3g pairs, %.3g pairs/s, ETA %.0f s%n",
                    100.0 * done / total, (double) total, rate, (total - done) / Math.max(rate, 1e-9));
        };
    }
}
