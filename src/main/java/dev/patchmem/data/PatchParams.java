package dev.patchmem.data;

/**
 * How {@link PatchSetBuilder} cuts patches.
 *
 * @param patch      HR side P, even
 * @param stride     grid step, > 0
 * @param flatStd    std (in [-1, 1] units) below which a patch is tagged flat
 * @param maxPatches keep a seeded random subset of at most this many patches; 0 keeps all
 * @param seed       seed of that subset
 * @param skipBad    skip unreadable images (listing them) instead of failing
 */
public record PatchParams(int patch, int stride, double flatStd, int maxPatches, long seed, boolean skipBad) {

    public PatchParams {
        if (patch < 2 || patch % 2 != 0) {
            throw new IllegalArgumentException("patch size must be even and >= 2, got " + patch);
        }
        if (stride <= 0) {
            throw new IllegalArgumentException("stride must be > 0, got " + stride);
        }
        if (!(flatStd >= 0)) {
            throw new IllegalArgumentException("flat threshold must be >= 0, got " + flatStd);
        }
        if (maxPatches < 0) {
            throw new IllegalArgumentException("max patches must be >= 0, got " + maxPatches);
        }
    }
}
