package dev.patchmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The docker/ scripts without Docker: they parse, shellcheck finds nothing (where it is installed), and
 * their --print mode builds the docker command that the contract asks for.
 */
class DockerScriptsTest {

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();

    record Result(int code, String out, String err) {
    }

    private static Result bash(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
        for (String var : List.of("GPUS", "EVAL_GPUS", "PATCHMEM_RUNS", "PATCHMEM_GPU_IMAGE", "PATCHMEM_CPU_IMAGE",
                "PATCHMEM_JAVA_OPTS", "PATCHMEM_JIT", "PATCHMEM_DEBUG")) {
            pb.environment().remove(var);
        }
        pb.environment().putAll(env);
        Path out = Files.createTempFile("script", ".out");
        Path err = Files.createTempFile("script", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "script timed out: " + cmd);
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static List<String> scripts() throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve("docker"))) {
            List<String> out = new ArrayList<>(files.filter(f -> f.toString().endsWith(".sh"))
                    .map(f -> ROOT.relativize(f).toString()).sorted().toList());
            out.add("bin/patchmem");
            return out;
        }
    }

    @Test
    void everyScriptParses() throws Exception {
        List<String> scripts = scripts();
        assertTrue(scripts.size() >= 7, scripts.toString());
        for (String script : scripts) {
            Result r = bash(Map.of(), "-n", script);
            assertEquals(0, r.code(), script + ": " + r.err());
        }
    }

    @Test
    void shellcheckIsClean() throws Exception {
        boolean present;
        try {
            present = new ProcessBuilder("shellcheck", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            present = false;
        }
        assumeTrue(present, "shellcheck is not installed (apt-get install shellcheck)");
        List<String> cmd = new ArrayList<>(List.of("shellcheck", "-x"));
        cmd.addAll(scripts());
        Process p = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), text);
    }

    @Test
    void everyScriptHasHelp() throws Exception {
        for (String script : scripts()) {
            if (script.startsWith("bin/") || script.endsWith("common.sh")) {
                continue;
            }
            Result r = bash(Map.of(), script, "-h");
            assertEquals(0, r.code(), script + ": " + r.err());
            assertTrue(r.out().startsWith("usage: "), script + ": " + r.out());
        }
    }

    @Test
    void trainPrintsTheDockerRunOfTheContract(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("gpu.json"), "{}");
        Files.createDirectories(dir.resolve("images"));
        Result r = bash(Map.of("GPUS", "0,1"), "docker/train.sh", "--config", config.toString(), "--run", "exp1",
                "--runs", dir.resolve("runs").toString(), "--images", dir.resolve("images").toString(),
                "--set", "train.steps=10", "--print", "--", "--dry-run");
        assertEquals(0, r.code(), r.err());
        String line = r.out().strip();
        assertTrue(line.startsWith("docker run --name patchmem-train-exp1 "), line);
        assertTrue(line.contains(" --detach "), line);
        assertTrue(line.contains(" --gpus '\"device=0,1\"' "), line);
        assertTrue(line.contains(" --mount type=bind,src=" + dir + ",dst=/config,readonly "), line);
        assertTrue(line.contains(" --mount type=bind,src=" + dir.resolve("runs") + ",dst=/runs "), line);
        assertTrue(line.contains(" --mount type=bind,src=" + dir.resolve("images") + ",dst=/data,readonly "), line);
        assertTrue(line.endsWith(" patchmem:gpu train --config /config/gpu.json --run /runs/exp1 --device gpu"
                + " --set data.images=/data --set train.steps=10 --dry-run"), line);
        assertTrue(!Files.exists(dir.resolve("runs")), "--print must create nothing");
    }

    @Test
    void trainOnCpuAndEvaluateBesideIt(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("c.json"), "{}");
        Result train = bash(Map.of(), "docker/train.sh", "-c", config.toString(), "-r", "e2", "--device", "cpu",
                "--runs", dir.toString(), "--resume", "--print");
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains(" patchmem:cpu train --config /config/c.json --run /runs/e2 --device cpu --resume"),
                train.out());
        assertTrue(!train.out().contains("--gpus"), train.out());
        Result eval = bash(Map.of(), "docker/evaluate.sh", "--run", "e2", "--runs", dir.toString(), "--gpus", "1",
                "--print");
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().strip().endsWith(" --gpus device=1 --mount type=bind,src=" + dir
                + ",dst=/runs patchmem:gpu evaluate --run /runs/e2 --watch"), eval.out());
    }

    @Test
    void launcherCompilesWithC1OnlyWhereAsked(@TempDir Path dir) throws Exception {
        // The JVM prints its flags as it starts, before it looks for the jar's main class: a jar holding
        // only a manifest stands in for patchmem's.
        Path jar = dir.resolve("stand-in.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "NoSuchMain");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
        Map<String, Boolean> c1 = Map.of("c1", true, "tiered", false, "", false);
        for (Map.Entry<String, Boolean> e : c1.entrySet()) {
            Map<String, String> env = new HashMap<>(Map.of("PATCHMEM_JAR", jar.toString(),
                    "PATCHMEM_JAVA_OPTS", "-Xmx64m -XX:+PrintCommandLineFlags"));
            if (!e.getKey().isEmpty()) {
                env.put("PATCHMEM_JIT", e.getKey());
            }
            Result r = bash(env, "bin/patchmem", "--version");
            assertEquals(e.getValue(), r.out().contains("-XX:TieredStopAtLevel=1"), e.getKey() + ": " + r.out());
        }
        Result bad = bash(Map.of("PATCHMEM_JAR", jar.toString(), "PATCHMEM_JIT", "c2"), "bin/patchmem", "--version");
        assertEquals(2, bad.code(), bad.err());
        assertEquals("patchmem: PATCHMEM_JIT must be tiered or c1, not 'c2'", bad.err().strip());
    }

    @Test
    void badInputGivesOneClearLine(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("c.json"), "{}");
        String[][] cases = {
            {"train.sh: --config FILE is required", "docker/train.sh", "--print"},
            {"train.sh: config file not found: /no/such.json", "docker/train.sh", "-c", "/no/such.json", "--print"},
            {"train.sh: bad GPU selection 'x y'", "docker/train.sh", "-c", config.toString(), "-g", "x y", "--print"},
            {"train.sh: bad run id 'a/b'", "docker/train.sh", "-c", config.toString(), "-r", "a/b", "--print"},
            {"train.sh: --set needs KEY=VALUE", "docker/train.sh", "-c", config.toString(), "-s", "k", "--print"},
            {"train.sh: unknown argument: --bogus", "docker/train.sh", "--bogus"},
            {"evaluate.sh: --run ID is required", "docker/evaluate.sh", "--print"},
            {"evaluate.sh: --device must be gpu or cpu", "docker/evaluate.sh", "-r", "x", "--device", "tpu"},
            {"build.sh: unknown argument: arm", "docker/build.sh", "arm"},
            {"fetch-natives.sh: --cache-dir is required", "docker/fetch-natives.sh"},
        };
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            Result r = bash(Map.of(), args);
            assertEquals(1, r.code(), String.join(" ", args) + ": " + r.out() + r.err());
            assertTrue(r.err().startsWith(c[0]) && r.err().strip().lines().count() == 1,
                    String.join(" ", args) + " said: " + r.err());
        }
    }
}
