package dev.patchmem.config;

import java.util.List;

/**
 * Section {@code data}: where the images and the patch set live and how patches are cut.
 *
 * @param images     folder of source images that {@code patchmem data} reads (default datasets/natural)
 * @param dir        patch-set folder that training reads and the evaluator compares against
 *                   (default runs/data/natural)
 * @param patch      HR patch side P in pixels, even (default 32); LR patches are P/2
 * @param stride     grid step in pixels, 0 for P/2 (default 0)
 * @param holdout    image file names whose patches go to heldout/ instead of the training set
 * @param flatStd    an HR patch is flat (untextured) when its pixel standard deviation, in [-1, 1]
 *                   units, is below this (default 0.04)
 * @param maxPatches keep at most this many training patches, a seeded random subset; 0 keeps all
 */
public record DataConfig(String images, String dir, int patch, int stride, List<String> holdout, double flatStd,
                         int maxPatches) {

    public static final DataConfig DEFAULT =
            new DataConfig("datasets/natural", "runs/data/natural", 32, 0, List.of(), 0.04, 0);

    public DataConfig {
        Check.present("data.images", images);
        Check.present("data.dir", dir);
        Check.range("data.patch", patch, 2, 1024);
        Check.that(patch % 2 == 0, "data.patch must be even, got " + patch);
        Check.range("data.stride", stride, 0, 1 << 16);
        holdout = List.copyOf(holdout == null ? List.of() : Check.noNulls("data.holdout", holdout));
        Check.range("data.flatStd", flatStd, 0.0, 2.0);
        Check.range("data.maxPatches", maxPatches, 0, Integer.MAX_VALUE);
    }

    /** The stride in effect: {@code stride}, or P/2 when it is 0. */
    public int effectiveStride() {
        return stride == 0 ? patch / 2 : stride;
    }
}
