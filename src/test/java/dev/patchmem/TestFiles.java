package dev.patchmem;

import dev.patchmem.cli.Main;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** File and process helpers for the reliability tests: copies, bit flips, patchmem in a fresh JVM. */
public final class TestFiles {

    private TestFiles() {
    }

    /** Copies the tree {@code from} to {@code to}. */
    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q);
                }
            }
        }
    }

    /** Inverts bit {@code bit} (0 = lowest of the first byte) of {@code file} in place. */
    public static void flipBit(Path file, long bit) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(bit / 8);
            int b = f.read();
            f.seek(bit / 8);
            f.write(b ^ (1 << (int) (bit % 8)));
        }
    }

    /** Names under {@code dir} (recursively) that are temporaries of {@link dev.patchmem.io.AtomicFiles}. */
    public static List<Path> temporaries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(dev.patchmem.io.AtomicFiles::isTemporary).toList();
        }
    }

    /** The command line of {@code patchmem args} in a fresh JVM with this test's class path. */
    public static List<String> patchmem(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * Starts {@code cmd} with stdout and stderr going to {@code log}, on one libtorch thread: tiny
     * models gain nothing from more, and on a loaded machine two spinning OpenMP threads made a step
     * ten times slower. Runs compared bit for bit must all start here, so they share the setting.
     */
    public static Process start(List<String> cmd, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    /** Runs {@code cmd} to its end (at most {@code seconds}) and returns its exit code; the log is in the failure. */
    public static int run(List<String> cmd, Path log, long seconds) throws IOException, InterruptedException {
        Process p = start(cmd, log);
        if (!p.waitFor(seconds, java.util.concurrent.TimeUnit.SECONDS)) {
            killHard(p);
            throw new AssertionError(cmd + " still running after " + seconds + " s: " + Files.readString(log));
        }
        return p.exitValue();
    }

    /**
     * Seconds from now until a line starting with each of {@code prefixes} appears in {@code log}
     * while {@code p} runs (NaN for those that never do); waits for {@code p} to end.
     */
    public static double[] lineTimes(Process p, Path log, List<String> prefixes) throws Exception {
        long t0 = System.nanoTime();
        double[] at = new double[prefixes.size()];
        java.util.Arrays.fill(at, Double.NaN);
        boolean alive = true;
        while (alive) {
            alive = p.isAlive();   // read the log once more after the end
            List<String> lines = Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1);
            for (int i = 0; i < at.length; i++) {
                String prefix = prefixes.get(i);
                if (Double.isNaN(at[i]) && lines.stream().anyMatch(l -> l.startsWith(prefix))) {
                    at[i] = (System.nanoTime() - t0) / 1e9;
                }
            }
            Thread.sleep(20);
        }
        return at;
    }

    /** Waits until a line starting with {@code prefix} is in {@code log} or {@code p} has ended. */
    public static void awaitLine(Process p, Path log, String prefix) throws Exception {
        while (p.isAlive() && Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1).stream()
                .noneMatch(l -> l.startsWith(prefix))) {
            Thread.sleep(20);
        }
    }

    /** Kills {@code p} with SIGKILL (never a clean shutdown) and waits for it. */
    public static void killHard(Process p) throws InterruptedException {
        p.destroyForcibly();   // SIGKILL on Linux: no shutdown hooks, no finally blocks
        p.waitFor();
    }
}
