package dev.patchmem.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/** Checks on input arrays shared by the subcommands; each failure is one line naming the file. */
public final class NpyChecks {

    private NpyChecks() {
    }

    /**
     * Requires {@code a} (read from {@code file}) to be (Q, rowShape...) with Q >= 1; {@code like} names
     * what it must match.
     */
    public static void requireRows(Path file, NpyArray a, long[] rowShape, String like) throws IOException {
        long[] s = a.shape();
        long[] rest = s.length == 0 ? null : Arrays.copyOfRange(s, 1, s.length);
        if (rest == null || !Arrays.equals(rest, rowShape)) {
            throw new IOException(file + " has shape " + Arrays.toString(s) + "; expected (Q, "
                    + Arrays.toString(rowShape).replaceAll("[\\[\\]]", "") + ") to match " + like);
        }
        if (s[0] == 0) {
            throw new IOException(file + " holds no rows");
        }
    }

    /** Requires every value of {@code a} to be finite. */
    public static void requireFinite(Path file, NpyArray a) throws IOException {
        float[] d = a.data();
        int rowSize = Math.max(1, a.rowSize());
        for (int i = 0; i < d.length; i++) {
            if (!Float.isFinite(d[i])) {
                throw new IOException(file + " holds " + d[i] + " at row " + (i / rowSize) + "; values must be finite");
            }
        }
    }
}
