package dev.patchmem.bench;

import java.util.Arrays;

/** Order statistics of timings. */
final class Stats {

    private Stats() {
    }

    /** The median of {@code v} (mean of the middle two for an even count); NaN when empty. */
    static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        int h = s.length / 2;
        return s.length % 2 == 1 ? s[h] : (s[h - 1] + s[h]) / 2;
    }
}
