package dev.patchmem.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code patchmem}: the one entry point; each subcommand is its own class in this package. */
@Command(name = "patchmem", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Memorization in conditional diffusion models, checked against Gaussian kernel regression.",
        subcommands = {DataCommand.class, TrainCommand.class, SampleCommand.class, KernelCommand.class,
                EvaluateCommand.class, FiguresCommand.class, ReproduceCommand.class, ToyCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs {@code args} and returns the exit code: 0 on success, 1 on a failed job, 2 on bad usage. */
    public static int run(String... args) {
        CliSupport.setArgs(args);
        return commandLine().execute(args);
    }

    /** The configured command line: one-line errors on stderr, stack traces only with PATCHMEM_DEBUG=1. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            err.println(prefix(cmd) + oneLine(e));
            if ("1".equals(System.getenv("PATCHMEM_DEBUG"))) {
                e.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println(prefix(cmd) + e.getMessage() + " (see --help)");
            cmd.getErr().flush();
            return 2;
        });
        return cl;
    }

    // "patchmem train: " for a subcommand, "patchmem: " for the top level.
    private static String prefix(CommandLine cmd) {
        return cmd.getParent() == null ? "patchmem: " : "patchmem " + cmd.getCommandName() + ": ";
    }

    /** The message of {@code e} on one line, with its type when it has no message. */
    static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t instanceof java.nio.file.FileAlreadyExistsException fae && fae.getFile() != null) {
            java.nio.file.Path p = java.nio.file.Path.of(fae.getFile());
            msg = msg + (java.nio.file.Files.exists(p) && !java.nio.file.Files.isDirectory(p)
                    ? ": exists and is not a folder" : ": already exists");
        } else if (t instanceof java.nio.file.NoSuchFileException) {
            msg = msg + ": no such file";
        } else if (t instanceof java.nio.file.AccessDeniedException) {
            msg = msg + ": permission denied";
        } else if (t instanceof java.nio.file.FileSystemException fse && fse.getReason() != null
                && !msg.contains(fse.getReason())) {
            msg = msg + ": " + fse.getReason();
        } else if (t instanceof OutOfMemoryError) {
            msg = "out of memory (" + msg + "); raise -Xmx with PATCHMEM_JAVA_OPTS or lower the batch size";
        }
        return msg.replace('\n', ' ');
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"patchmem " + (v == null ? "dev" : v)};
        }
    }
}
