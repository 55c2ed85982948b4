package dev.patchmem.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory of this process from /proc/self/status, for the resident-set figures written beside training
 * metrics, evaluation records and benchmarks. NaN where the file or the field is missing (not Linux).
 */
public final class ProcStatus {

    private ProcStatus() {
    }

    /** Current resident set in MiB (VmRSS). */
    public static double residentMb() {
        return kb("VmRSS:") / 1024.0;
    }

    /** Peak resident set in MiB (VmHWM). */
    public static double peakResidentMb() {
        return kb("VmHWM:") / 1024.0;
    }

    private static double kb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Double.parseDouble(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
