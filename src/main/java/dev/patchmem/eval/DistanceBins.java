package dev.patchmem.eval;

/**
 * Fixed histogram bins for d = ||g - x||_2 / sqrt(D): {@code count} equal bins over [0, max]. Bin k
 * counts d in [k max / count, (k + 1) max / count); values at or above {@code max} are counted in the
 * last bin, so every row of a histogram sums to N.
 *
 * @param count number of bins B, >= 1
 * @param max   upper edge of the last bin, > 0
 */
public record DistanceBins(int count, double max) {

    /** The rule for values beyond the range, as written to summary.json. */
    public static final String RULE = "bin k counts d in [k*binMax/B, (k+1)*binMax/B); d >= binMax is counted in"
            + " the last bin";

    public DistanceBins {
        if (count < 1) {
            throw new IllegalArgumentException("bins must be >= 1, got " + count);
        }
        if (!(max > 0) || Double.isInfinite(max)) {
            throw new IllegalArgumentException("bin max must be a finite number > 0, got " + max);
        }
    }

    /** The B + 1 bin edges 0, max / B, ..., max. */
    public float[] edges() {
        float[] e = new float[count + 1];
        for (int k = 0; k <= count; k++) {
            e[k] = (float) (k * max / count);
        }
        return e;
    }

    /** The bin of distance {@code d} (negative values, which only rounding produces, go to bin 0). */
    public int index(double d) {
        int k = (int) (Math.max(d, 0) * count / max);
        return Math.min(k, count - 1);
    }

    /**
     * The factor c with bin = floor(sqrt(c d^2_raw)) for a squared L2 distance d^2_raw over D values:
     * lets the scan bin a squared distance with one multiply and one square root.
     */
    double squaredScale(int dimension) {
        double s = count / max;
        return s * s / dimension;
    }
}
