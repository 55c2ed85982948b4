package dev.patchmem.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a long job on stderr: a redrawn bar with rate and ETA on a terminal, plain lines
 * every {@code plainEverySeconds} otherwise (logs, CI).
 */
public final class Progress {

    private final String label;
    private final String unit;
    private final long total;
    private final long first;
    private final boolean terminal;
    private final double plainEverySeconds;
    private final PrintStream out;
    private final long startNanos = System.nanoTime();
    private long lastPrint;
    private boolean printed;

    /** A display for {@code total} units starting at {@code first} (non-zero after a resume). */
    public Progress(String label, String unit, long first, long total) {
        this(label, unit, first, total, System.console() != null, 10, System.err);
    }

    public Progress(String label, String unit, long first, long total, boolean terminal, double plainEverySeconds,
                    PrintStream out) {
        this.label = label;
        this.unit = unit;
        this.first = first;
        this.total = total;
        this.terminal = terminal;
        this.plainEverySeconds = plainEverySeconds;
        this.out = out;
    }

    /** Units done per second since this display started. */
    public double rate(long done) {
        double s = (System.nanoTime() - startNanos) / 1e9;
        return s <= 0 ? 0 : (done - first) / s;
    }

    /** Reports {@code done} units; {@code extra} is appended (e.g. the loss). */
    public void update(long done, String extra) {
        long now = System.nanoTime();
        boolean last = done >= total;
        // The first update always prints: System.nanoTime() has an arbitrary origin (near 0 soon after boot).
        if (!last && printed && now - lastPrint < (terminal ? 200_000_000L : (long) (plainEverySeconds * 1e9))) {
            return;
        }
        printed = true;
        lastPrint = now;
        double rate = rate(done);
        double eta = rate > 0 ? (total - done) / rate : Double.NaN;
        String body = String.format(Locale.ROOT, "%s %d/%d %s, %.2f %s/s, ETA %s%s", label, done, total, unit, rate,
                unit, formatSeconds(eta), extra.isEmpty() ? "" : ", " + extra);
        if (terminal) {
            int width = 24;
            int filled = (int) Math.round(width * (double) done / Math.max(1, total));
            out.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + body + (last ? "\n" : ""));
        } else {
            out.println(body);
        }
        out.flush();
    }

    static String formatSeconds(double s) {
        if (Double.isNaN(s) || Double.isInfinite(s)) {
            return "?";
        }
        long t = Math.round(s);
        return t >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", t / 3600, t / 60 % 60)
                : String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60);
    }
}
