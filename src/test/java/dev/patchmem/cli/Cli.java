package dev.patchmem.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

/** Runs patchmem through its real entry point, {@link Main#run}, capturing what it prints. */
final class Cli {

    /** Exit code and what the command printed. */
    record Result(int code, String out, String err) {

        /** The non-empty stderr lines that patchmem itself wrote (native libraries may add their own). */
        java.util.List<String> errorLines() {
            return err.lines().filter(l -> l.startsWith("patchmem")).toList();
        }
    }

    private Cli() {
    }

    static synchronized Result patchmem(Object... args) {
        String[] a = Stream.of(args).map(Object::toString).toArray(String[]::new);
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(a);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
