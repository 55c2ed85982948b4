package dev.patchmem.config;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How an artifact was made: written as provenance.json beside every artifact that a later step reads,
 * so that any number can be traced back to code, libraries, machine, seed and data.
 *
 * @param gitCommit       commit of the patchmem checkout, or "unknown" outside one
 * @param gitDirty        whether that checkout had uncommitted changes
 * @param patchmemVersion version of the patchmem jar
 * @param djlVersion      DJL version
 * @param pytorchVersion  libtorch version the engine loaded, or "not loaded"
 * @param device          compute device, e.g. cpu() or gpu(0), or "not used"
 * @param javaVersion     Java runtime version and vendor
 * @param os              operating system name and version
 * @param arch            processor architecture
 * @param cores           processors visible to Java
 * @param seed            the job's seed
 * @param datasetHash     content hash of the patch set the job read, or "" when none
 * @param command         the command line
 * @param startTime       when the job started (ISO-8601, UTC)
 */
public record Provenance(String gitCommit, boolean gitDirty, String patchmemVersion, String djlVersion,
                         String pytorchVersion, String device, String javaVersion, String os, String arch, int cores,
                         long seed, String datasetHash, String command, String startTime) {

    /** Engine facts; {@link #NONE} for jobs that never load the engine. */
    public record EngineInfo(String pytorchVersion, String device) {
        public static final EngineInfo NONE = new EngineInfo("not loaded", "not used");
    }

    /** Captures the facts of this process. */
    public static Provenance capture(long seed, String datasetHash, String command, EngineInfo engine) {
        String[] git = git();
        Package pkg = Provenance.class.getPackage();
        String version = pkg != null && pkg.getImplementationVersion() != null
                ? pkg.getImplementationVersion() : "dev";
        return new Provenance(git[0], Boolean.parseBoolean(git[1]), version, readDjlVersion(), engine.pytorchVersion(),
                engine.device(), System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), seed,
                datasetHash == null ? "" : datasetHash, command, Instant.now().toString());
    }

    /** Writes this record to {@code dir}/provenance.json. */
    public void writeTo(Path dir) throws IOException {
        Json.write(dir.resolve("provenance.json"), this);
    }

    private static String readDjlVersion() {
        try {
            return ai.djl.engine.Engine.getDjlVersion();
        } catch (RuntimeException | LinkageError e) {
            return "unknown";
        }
    }

    // {commit, dirty} of the checkout patchmem runs from; "unknown" when git or the checkout is absent.
    private static String[] git() {
        Path home = Home.dir();
        String commit = run(home, "git", "rev-parse", "HEAD");
        if (commit == null) {
            return new String[] {"unknown", "false"};
        }
        String status = run(home, "git", "status", "--porcelain", "--untracked-files=no");
        return new String[] {commit, Boolean.toString(status != null && !status.isEmpty())};
    }

    private static String run(Path dir, String... cmd) {
        try {
            Process p = new ProcessBuilder(List.of(cmd)).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return new String(out, java.nio.charset.StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
