package dev.patchmem.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs patchmem in-process and keeps its exit code and stderr. */
record CommandRun(int code, String err) {

    static CommandRun of(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new CommandRun(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
        }
    }

    /** The line patchmem printed for a failure (the last line starting with "patchmem "). */
    String errorLine() {
        String found = "";
        for (String line : err.split("\n")) {
            if (line.startsWith("patchmem ")) {
                found = line;
            }
        }
        return found;
    }
}
