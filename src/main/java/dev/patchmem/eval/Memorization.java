package dev.patchmem.eval;

/**
 * The memorization test of Gu et al. 2023 ("On Memorization in Diffusion Models"): a generated sample
 * g with nearest training distances d1 <= d2 is memorized when d1 / d2 < 1/3.
 */
public final class Memorization {

    /** The ratio threshold 1/3. */
    public static final double THRESHOLD = 1.0 / 3.0;

    /** The rule for d2 = 0, as written to summary.json. */
    public static final String RATIO_RULE = "ratio = d1/d2; memorized when ratio < 1/3; d2 = 0 (then d1 = 0 too:"
            + " the sample equals two identical training patches) gives ratio 1, not memorized";

    private Memorization() {
    }

    /**
     * d1 / d2. When d2 = 0 then d1 = 0 as well: the sample coincides with two identical training
     * patches, and no single patch is singled out, so the ratio is defined as 1 (not memorized).
     */
    public static double ratio(double d1, double d2) {
        if (d1 > d2) {
            throw new IllegalArgumentException("d1 " + d1 + " > d2 " + d2);
        }
        return d2 == 0 ? 1.0 : d1 / d2;
    }

    /** ratio < 1/3. */
    public static boolean memorized(double ratio) {
        return ratio < THRESHOLD;
    }
}
