package dev.patchmem.cli;

import java.util.List;

/** Small facts shared by the subcommands. */
final class CliSupport {

    private static List<String> args = List.of();

    private CliSupport() {
    }

    /** The arguments patchmem was started with, for provenance records. */
    static List<String> args() {
        return args;
    }

    static void setArgs(String... a) {
        args = List.of(a);
    }
}
