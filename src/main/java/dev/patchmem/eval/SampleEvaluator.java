package dev.patchmem.eval;

import dev.patchmem.config.Json;
import dev.patchmem.data.PatchSet;
import dev.patchmem.io.AtomicFiles;
import dev.patchmem.io.Npy;
import dev.patchmem.io.NpyArray;
import dev.patchmem.io.NpyChecks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * One set of generated patches against a patch set's training HR patches: the checks on the
 * samples and the result files (DESIGN.md: nearest.csv, histograms.npy, bins.npy, summary.json, and
 * raw.npy when raw rows were asked for). {@code evaluate --samples} and the per-checkpoint
 * evaluation both go through here.
 */
public final class SampleEvaluator {

    private SampleEvaluator() {
    }

    /**
     * Requires {@code samples} (read from {@code file}) to be (M, 3, P, P) like the set's hr.npy, both
     * finite, and at least two training patches; failures are one line naming the file.
     */
    public static void check(Path file, NpyArray samples, PatchSet set) throws IOException {
        long[] hr = set.hr().shape();
        Path hrFile = set.dir().resolve("hr.npy");
        NpyChecks.requireRows(file, samples, Arrays.copyOfRange(hr, 1, hr.length), hrFile.toString());
        NpyChecks.requireFinite(file, samples);
        NpyChecks.requireFinite(hrFile, set.hr());
        if (set.size() < 2) {
            throw new IOException(hrFile + " holds " + set.size() + " patch; d1/d2 needs at least 2");
        }
    }

    /** Writes the result files of {@code nn} and {@code summary} into {@code dir}. */
    public static void write(Path dir, NearestNeighbors nn, EvalSummary summary) throws IOException {
        AtomicFiles.write(dir.resolve("nearest.csv"), out -> out.write(nearestCsv(nn).getBytes(StandardCharsets.UTF_8)));
        int b = nn.bins().count();
        float[] hist = new float[nn.histograms().length];
        for (int k = 0; k < hist.length; k++) {
            hist[k] = nn.histograms()[k];
        }
        Npy.write(dir.resolve("histograms.npy"), hist, nn.samples(), b);
        Npy.write(dir.resolve("bins.npy"), nn.bins().edges(), b + 1);
        if (nn.rawRows().length > 0) {
            float[] raw = new float[nn.rawRows().length * nn.pairs()];
            for (int s = 0; s < nn.rawRows().length; s++) {
                System.arraycopy(nn.raw()[s], 0, raw, s * nn.pairs(), nn.pairs());
            }
            Npy.write(dir.resolve("raw.npy"), raw, nn.rawRows().length, nn.pairs());
        }
        Json.write(dir.resolve("summary.json"), summary);
    }

    /** nearest.csv: sample,i1,d1,i2,d2,ratio,memorized (memorized as 1 or 0). */
    public static String nearestCsv(NearestNeighbors nn) {
        StringBuilder sb = new StringBuilder("sample,i1,d1,i2,d2,ratio,memorized\n");
        for (int r = 0; r < nn.samples(); r++) {
            sb.append(String.format(Locale.ROOT, "%d,%d,%.9g,%d,%.9g,%.9g,%d\n", r, nn.i1()[r], nn.d1()[r],
                    nn.i2()[r], nn.d2()[r], nn.ratio(r), nn.memorized(r) ? 1 : 0));
        }
        return sb.toString();
    }
}
