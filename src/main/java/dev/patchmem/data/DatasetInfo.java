package dev.patchmem.data;

import java.util.List;

/**
 * dataset.json: how a patch set was made and what it holds.
 *
 * @param patch       HR patch side P
 * @param stride      crop grid step
 * @param flatStd     std threshold below which a patch is tagged flat
 * @param maxPatches  subset size asked for (0: all)
 * @param seed        seed of the subset
 * @param count       patches in the set (N)
 * @param flatCount   patches tagged flat
 * @param images      images that contributed, with their patch counts
 * @param skipped     files that gave no patches, with the reason
 * @param holdout     image names kept out of this set (in heldout/ beside it)
 * @param contentHash SHA-256 over hr.npy and lr.npy
 */
public record DatasetInfo(int patch, int stride, double flatStd, int maxPatches, long seed, int count, int flatCount,
                          List<ImageEntry> images, List<Skipped> skipped, List<String> holdout, String contentHash) {

    /** An image and the number of patches it gave (before any subset). */
    public record ImageEntry(String name, int width, int height, int patches) {
    }

    /** A file that gave no patches and why. */
    public record Skipped(String name, String reason) {
    }

    public DatasetInfo {
        images = List.copyOf(images);
        skipped = List.copyOf(skipped);
        holdout = List.copyOf(holdout);
    }
}
