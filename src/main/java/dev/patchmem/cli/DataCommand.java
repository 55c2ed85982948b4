package dev.patchmem.cli;

import dev.patchmem.config.Provenance;
import dev.patchmem.data.PatchParams;
import dev.patchmem.data.PatchSetBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code patchmem data}: a folder of images to a paired patch set (HR 1.0 scale, LR 0.5 scale). */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Cut every image of a folder into paired HR (P x P) and LR (P/2 x P/2) patches.")
public final class DataCommand implements Callable<Integer> {

    /** What to do with an image that cannot be read. */
    enum OnBad { fail, skip }

    @Option(names = "--images", required = true, description = "folder of images (png, jpg, bmp, tif, webp)")
    Path images;

    @Option(names = "--out", required = true, description = "patch-set folder to write (replaced when complete)")
    Path out;

    @Option(names = "--patch", defaultValue = "32", description = "HR patch side P, even (default ${DEFAULT-VALUE})")
    int patch;

    @Option(names = "--stride", description = "grid step in pixels (default P/2)")
    Integer stride;

    @Option(names = "--holdout", arity = "1..*", description = "image file names whose patches go to OUT/heldout")
    List<String> holdout = new ArrayList<>();

    @Option(names = "--on-bad-image", defaultValue = "fail",
            description = "fail or skip (and list in dataset.json) an unreadable image (default ${DEFAULT-VALUE})")
    OnBad onBad;

    @Option(names = "--flat-std", defaultValue = "0.04",
            description = "std in [-1, 1] units below which a patch is tagged flat (default ${DEFAULT-VALUE})")
    double flatStd;

    @Option(names = "--max-patches", defaultValue = "0",
            description = "keep a seeded random subset of at most this many training patches; 0 keeps all")
    int maxPatches;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the subset (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (patch < 2 || patch % 2 != 0) {
            throw new IllegalArgumentException("--patch must be even and >= 2, got " + patch);
        }
        int s = stride == null ? patch / 2 : stride;
        if (s <= 0) {
            throw new IllegalArgumentException("--stride must be > 0, got " + s);
        }
        if (!(flatStd >= 0) || Double.isInfinite(flatStd)) {
            throw new IllegalArgumentException("--flat-std must be a finite number >= 0, got " + flatStd);
        }
        if (maxPatches < 0) {
            throw new IllegalArgumentException("--max-patches must be >= 0 (0 keeps all), got " + maxPatches);
        }
        PatchParams params = new PatchParams(patch, s, flatStd, maxPatches, seed, onBad == OnBad.skip);
        PatchSetBuilder.Result r = new PatchSetBuilder(params).build(images, out, new LinkedHashSet<>(holdout));
        String command = "patchmem data " + String.join(" ", CliSupport.args());
        Provenance.capture(seed, r.train().contentHash(), command, Provenance.EngineInfo.NONE).writeTo(out);
        if (r.heldout() != null) {
            Provenance.capture(seed, r.heldout().contentHash(), command, Provenance.EngineInfo.NONE)
                    .writeTo(out.resolve("heldout"));
        }
        int total = r.train().images().stream().mapToInt(e -> e.patches()).sum()
                + (r.heldout() == null ? 0 : r.heldout().count());
        System.out.printf(Locale.ROOT, "%s: %d training patches (%d flat) from %d images%s; %.1f s, %.0f patches/s%n",
                out, r.train().count(), r.train().flatCount(), r.train().images().size(),
                r.heldout() == null ? "" : ", " + r.heldout().count() + " held out (" + r.heldout().flatCount()
                        + " flat)", r.seconds(), total / r.seconds());
        for (var sk : r.train().skipped()) {
            System.out.println("skipped " + sk.name() + ": " + sk.reason());
        }
        return 0;
    }
}
