package dev.patchmem.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Arrays;

/** Order statistics of timings, and the process's CPU clock. */
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

    /** CPU time of this process so far, all threads (native ones included), in ms; NaN where unknown. */
    static double cpuMs() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e6 : Double.NaN;
    }
}
