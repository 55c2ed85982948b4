package dev.patchmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Checks the Dockerfile against the repository without Docker: every path it copies from the build
 * context exists and is not cut by .dockerignore, every stage it copies from is defined before, and the
 * GPU image can only carry the cuda build (no pytorch-native-cpu jar, which would make a GPU host run on CPU).
 */
class DockerfileTest {

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();

    /** One instruction: keyword, its text after the keyword, and the line it starts on. */
    record Instruction(String keyword, String args, int line) {
    }

    /** One stage: FROM image, its name (or its index), and its instructions. */
    record Stage(String name, String from, List<Instruction> instructions) {
    }

    /** A COPY or ADD: its flags (name to value, "" when valueless), sources and destination. */
    record Copy(Map<String, String> flags, List<String> sources, String dest, int line) {
    }

    // ---- parsing ----

    /** The instructions of a Dockerfile: continuation lines joined, comments and blank lines dropped. */
    static List<Instruction> instructions(String text) {
        List<Instruction> out = new ArrayList<>();
        StringBuilder current = null;
        int start = 0;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (current == null && trimmed.isEmpty())) {
                continue; // comments, also inside a continued instruction, and blank lines
            }
            boolean continued = trimmed.endsWith("\\");
            String body = continued ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
            if (current == null) {
                current = new StringBuilder(body);
                start = i + 1;
            } else {
                current.append(' ').append(body);
            }
            if (!continued) {
                String s = current.toString().strip();
                int sp = s.indexOf(' ');
                out.add(new Instruction((sp < 0 ? s : s.substring(0, sp)).toUpperCase(),
                        sp < 0 ? "" : s.substring(sp + 1).strip(), start));
                current = null;
            }
        }
        if (current != null) {
            throw new IllegalArgumentException("Dockerfile ends inside a continued instruction (line " + start + ")");
        }
        return out;
    }

    /** The stages, in order; instructions before the first FROM (global ARGs) are left out. */
    static List<Stage> stages(List<Instruction> instructions) {
        List<Stage> stages = new ArrayList<>();
        Pattern from = Pattern.compile("(?:--platform=\\S+\\s+)?(\\S+)(?:\\s+[Aa][Ss]\\s+(\\S+))?");
        for (Instruction in : instructions) {
            if (in.keyword().equals("FROM")) {
                Matcher m = from.matcher(in.args());
                if (!m.matches()) {
                    throw new IllegalArgumentException("line " + in.line() + ": cannot read FROM " + in.args());
                }
                String name = m.group(2) == null ? Integer.toString(stages.size()) : m.group(2).toLowerCase();
                stages.add(new Stage(name, m.group(1), new ArrayList<>()));
            } else if (!stages.isEmpty()) {
                stages.get(stages.size() - 1).instructions().add(in);
            }
        }
        return stages;
    }

    /** The COPY or ADD in {@code in}, JSON form or plain words. */
    static Copy copy(Instruction in) {
        List<String> words = new ArrayList<>();
        Map<String, String> flags = new LinkedHashMap<>();
        String rest = in.args();
        while (rest.startsWith("--")) {
            int sp = rest.indexOf(' ');
            String flag = sp < 0 ? rest : rest.substring(0, sp);
            int eq = flag.indexOf('=');
            flags.put(eq < 0 ? flag.substring(2) : flag.substring(2, eq), eq < 0 ? "" : flag.substring(eq + 1));
            rest = sp < 0 ? "" : rest.substring(sp + 1).strip();
        }
        if (rest.startsWith("[")) {
            Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(rest);
            while (m.find()) {
                words.add(m.group(1).replace("\\\"", "\""));
            }
        } else {
            words.addAll(List.of(rest.split("\\s+")));
        }
        if (words.size() < 2) {
            throw new IllegalArgumentException("line " + in.line() + ": " + in.keyword() + " needs a source and a destination");
        }
        return new Copy(flags, List.copyOf(words.subList(0, words.size() - 1)), words.get(words.size() - 1), in.line());
    }

    // ---- checks ----

    /** What is wrong with the context paths and stage references of {@code dockerfile} under {@code root}. */
    static List<String> problems(String dockerfile, Path root) throws IOException {
        List<String> problems = new ArrayList<>();
        List<Pattern[]> ignore = dockerignore(root);
        List<String> defined = new ArrayList<>();
        for (Stage stage : stages(instructions(dockerfile))) {
            for (Instruction in : stage.instructions()) {
                if (!in.keyword().equals("COPY") && !in.keyword().equals("ADD")) {
                    continue;
                }
                Copy c = copy(in);
                String fromStage = c.flags().get("from");
                if (fromStage != null) {
                    if (!defined.contains(fromStage.toLowerCase())) {
                        problems.add("line " + c.line() + ": --from=" + fromStage + " names no earlier stage");
                    }
                    continue;
                }
                for (String source : c.sources()) {
                    problems.addAll(contextProblems(source, c.line(), root, ignore));
                }
            }
            defined.add(stage.name());
        }
        return problems;
    }

    /** A build-context source must stay inside the context, exist, and not be excluded by .dockerignore. */
    static List<String> contextProblems(String source, int line, Path root, List<Pattern[]> ignore) throws IOException {
        String clean = source.replaceAll("^\\./", "").replaceAll("/+$", "");
        if (clean.isEmpty() || clean.equals(".")) {
            return List.of();
        }
        Path resolved = root.resolve(clean).normalize();
        if (source.startsWith("/") || !resolved.startsWith(root)) {
            return List.of("line " + line + ": " + source + " is outside the build context");
        }
        List<Path> matches = new ArrayList<>();
        if (clean.matches(".*[*?\\[].*")) {
            PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + clean);
            try (Stream<Path> files = Files.walk(root)) {
                files.map(root::relativize).filter(glob::matches).forEach(matches::add);
            }
            if (matches.isEmpty()) {
                return List.of("line " + line + ": " + source + " matches nothing in the repository");
            }
        } else if (!Files.exists(resolved)) {
            return List.of("line " + line + ": " + source + " does not exist in the repository");
        } else {
            matches.add(root.relativize(resolved));
        }
        List<String> out = new ArrayList<>();
        for (Path match : matches) {
            if (ignored(match.toString().replace('\\', '/'), ignore)) {
                out.add("line " + line + ": " + source + " is excluded by .dockerignore");
            }
        }
        return out;
    }

    /** The .dockerignore patterns as (regex, negated?) pairs; negated ones carry a non-null second entry. */
    static List<Pattern[]> dockerignore(Path root) throws IOException {
        List<Pattern[]> out = new ArrayList<>();
        Path file = root.resolve(".dockerignore");
        if (!Files.exists(file)) {
            return out;
        }
        for (String raw : Files.readAllLines(file)) {
            String p = raw.strip();
            if (p.isEmpty() || p.startsWith("#")) {
                continue;
            }
            boolean negated = p.startsWith("!");
            p = (negated ? p.substring(1) : p).strip().replaceAll("^/+", "").replaceAll("/+$", "");
            out.add(new Pattern[] {Pattern.compile(globToRegex(p)), negated ? Pattern.compile("") : null});
        }
        return out;
    }

    /** Docker's rule: a path is excluded when the last pattern matching it, or a folder above it, is not negated. */
    static boolean ignored(String path, List<Pattern[]> patterns) {
        boolean excluded = false;
        for (Pattern[] p : patterns) {
            String prefix = path;
            boolean match = false;
            while (!prefix.isEmpty()) {
                if (p[0].matcher(prefix).matches()) {
                    match = true;
                    break;
                }
                int slash = prefix.lastIndexOf('/');
                prefix = slash < 0 ? "" : prefix.substring(0, slash);
            }
            if (match) {
                excluded = p[1] == null;
            }
        }
        return excluded;
    }

    static String globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char ch = glob.charAt(i);
            if (ch == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                re.append(".*");
                i++;
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
                    re.append("/?");
                    i++;
                }
            } else if (ch == '*') {
                re.append("[^/]*");
            } else if (ch == '?') {
                re.append("[^/]");
            } else {
                re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return re.toString();
    }

    private static String dockerfile() throws IOException {
        return Files.readString(ROOT.resolve("Dockerfile"));
    }

    private static Stage stage(String name) throws IOException {
        return stages(instructions(dockerfile())).stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("the Dockerfile has no stage named " + name));
    }

    // ---- tests on the repository's Dockerfile ----

    @Test
    void everyCopiedPathExistsAndReachesTheBuildContext() throws IOException {
        List<String> problems = problems(dockerfile(), ROOT);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        long contextCopies = stages(instructions(dockerfile())).stream().flatMap(s -> s.instructions().stream())
                .filter(i -> i.keyword().equals("COPY") && !i.args().startsWith("--from")).count();
        assertTrue(contextCopies >= 6, "expected the sources, launcher, configs, models and datasets to be copied");
    }

    @Test
    void gpuStageCannotCarryTheCpuNatives() throws IOException {
        Stage gpu = stage("gpu");
        Stage last = stages(instructions(dockerfile())).get(stages(instructions(dockerfile())).size() - 1);
        assertEquals("gpu", last.name(), "gpu must be the last stage, so a plain docker build makes the GPU image");
        assertTrue(gpu.from().contains("CUDA_IMAGE") || gpu.from().startsWith("nvidia/cuda:"), gpu.from());
        for (Instruction in : gpu.instructions()) {
            if (in.keyword().equals("COPY") || in.keyword().equals("ADD")) {
                Copy c = copy(in);
                for (String source : c.sources()) {
                    assertFalse(source.contains("pytorch-native-cpu"), "line " + c.line() + " copies " + source);
                    assertFalse(source.contains("/.djl.ai"), "line " + c.line() + " copies a CPU libtorch cache");
                }
                if ("build".equals(c.flags().get("from"))) {
                    assertTrue(c.sources().stream().allMatch(s -> s.startsWith("/src/target/")), in.args());
                }
            }
        }
        // The build stage's default flavor is cuda, and the GPU stage refuses a lib/ with the CPU jar in it.
        assertTrue(dockerfile().lines().anyMatch(l -> l.strip().equals("ARG FLAVOR=cuda")), "ARG FLAVOR=cuda");
        assertTrue(gpu.instructions().stream().anyMatch(i -> i.keyword().equals("RUN")
                        && i.args().contains("grep -q '^pytorch-native-cpu-'") && i.args().contains("exit 1")
                        && i.args().contains("!= cuda")),
                "the gpu stage must fail when target/lib holds pytorch-native-cpu or the build was not cuda");
    }

    @Test
    void gpuStageSetsTheDjlEnvironmentAndRunsAsNonRoot() throws IOException {
        Stage gpu = stage("gpu");
        String env = gpu.instructions().stream().filter(i -> i.keyword().equals("ENV")).map(Instruction::args)
                .reduce("", (a, b) -> a + " " + b);
        for (String key : List.of("PYTORCH_FLAVOR=", "PYTORCH_VERSION=", "DJL_CACHE_DIR=", "PYTORCH_LIBRARY_PATH=")) {
            assertTrue(env.contains(key), "gpu stage ENV lacks " + key);
        }
        for (String name : List.of("gpu", "cpu")) {
            Stage s = stage(name);
            List<Instruction> ins = s.instructions();
            String user = ins.stream().filter(i -> i.keyword().equals("USER")).reduce((a, b) -> b)
                    .map(Instruction::args).orElse("root");
            assertFalse(user.equals("root") || user.equals("0") || user.startsWith("0:"), name + " runs as " + user);
            String entrypoint = ins.stream().filter(i -> i.keyword().equals("ENTRYPOINT")).reduce((a, b) -> b)
                    .map(Instruction::args).orElse("");
            assertEquals("[\"/opt/patchmem/bin/patchmem\"]", entrypoint, name);
            String workdir = ins.stream().filter(i -> i.keyword().equals("WORKDIR")).reduce((a, b) -> b)
                    .map(Instruction::args).orElse("");
            assertEquals("/opt/patchmem", workdir, name);
            String volumes = ins.stream().filter(i -> i.keyword().equals("VOLUME")).map(Instruction::args)
                    .reduce("", String::concat);
            assertTrue(volumes.contains("\"/data\"") && volumes.contains("\"/runs\""), name + ": " + volumes);
        }
        assertTrue(Files.isExecutable(ROOT.resolve("bin/patchmem")), "bin/patchmem must be executable");
    }

    @Test
    void cudaProfileLeavesTheCpuNativesOut() throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(false);
        Document pom = factory.newDocumentBuilder().parse(ROOT.resolve("pom.xml").toFile());
        Element project = pom.getDocumentElement();
        // Not a dependency of the project itself ...
        for (Element deps : children(project, "dependencies")) {
            for (Element dep : children(deps, "dependency")) {
                assertFalse(text(dep, "artifactId").startsWith("pytorch-native-"), "pytorch-native-* outside a profile");
            }
        }
        Map<String, Element> profiles = new LinkedHashMap<>();
        for (Element ps : children(project, "profiles")) {
            for (Element p : children(ps, "profile")) {
                profiles.put(text(p, "id"), p);
            }
        }
        // ... only of the cpu profile, active by default; the cuda profile adds none and bans it.
        Element cpu = profiles.get("cpu");
        Element cuda = profiles.get("cuda");
        assertTrue(cpu != null && cuda != null, "profiles cpu and cuda");
        assertTrue(text(cpu, "activation").contains("true"), "cpu profile active by default");
        assertTrue(nativeArtifacts(cpu).contains("pytorch-native-cpu"));
        assertTrue(nativeArtifacts(cuda).isEmpty(), "cuda profile adds " + nativeArtifacts(cuda));
        NodeList banned = cuda.getElementsByTagName("bannedDependencies");
        assertTrue(banned.getLength() == 1 && ((Element) banned.item(0)).getElementsByTagName("exclude").item(0)
                .getTextContent().strip().equals("ai.djl.pytorch:pytorch-native-cpu"),
                "the cuda profile must ban pytorch-native-cpu (maven-enforcer bannedDependencies)");
    }

    // ---- the checks themselves must catch what they claim to ----

    @Test
    void checkerReportsMissingIgnoredAndUnknownPaths(@TempDir Path repo) throws IOException {
        Files.createDirectories(repo.resolve("bin"));
        Files.createDirectories(repo.resolve("target/lib"));
        Files.writeString(repo.resolve("bin/tool"), "#!/bin/sh\n");
        Files.writeString(repo.resolve("target/lib/a.jar"), "");
        Files.writeString(repo.resolve(".dockerignore"), "# comment\ntarget/\n");
        String dockerfile = String.join("\n",
                "# syntax=docker/dockerfile:1",
                "ARG X=1",
                "FROM maven AS build",
                "COPY bin/ bin/",
                "FROM ubuntu AS gpu",
                "COPY --from=build /src/a /a",
                "COPY --from=nosuch /src/a /a",
                "COPY missing/ \\",
                "     /opt/missing/",
                "COPY target/lib/ /opt/lib/",
                "COPY [\"bin/tool\", \"/opt/tool\"]",
                "COPY --chown=1:1 ../outside /x",
                "COPY bin/*.sh /opt/",
                "");
        List<String> problems = problems(dockerfile, repo);
        assertEquals(5, problems.size(), String.join("\n", problems));
        assertTrue(problems.get(0).contains("--from=nosuch"), problems.get(0));
        assertTrue(problems.get(1).startsWith("line 8: missing/ does not exist"), problems.get(1));
        assertTrue(problems.get(2).contains("target/lib/ is excluded by .dockerignore"), problems.get(2));
        assertTrue(problems.get(3).contains("../outside is outside the build context"), problems.get(3));
        assertTrue(problems.get(4).contains("bin/*.sh matches nothing"), problems.get(4));
    }

    @Test
    void dockerignoreFollowsDockersRules() {
        List<Pattern[]> patterns = List.of(
                new Pattern[] {Pattern.compile(globToRegex("target")), null},
                new Pattern[] {Pattern.compile(globToRegex("**/*.class")), null},
                new Pattern[] {Pattern.compile(globToRegex("docs/*.md")), null},
                new Pattern[] {Pattern.compile(globToRegex("docs/keep.md")), Pattern.compile("")});
        assertTrue(ignored("target", patterns));
        assertTrue(ignored("target/lib/x.jar", patterns));
        assertFalse(ignored("src/target.txt", patterns));
        assertTrue(ignored("src/main/A.class", patterns));
        assertTrue(ignored("A.class", patterns));
        assertTrue(ignored("docs/a.md", patterns));
        assertFalse(ignored("docs/keep.md", patterns));
        assertFalse(ignored("docs/sub/a.md", patterns));
    }

    // ---- small DOM helpers ----

    private static List<Element> children(Element parent, String tag) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                out.add(e);
            }
        }
        return out;
    }

    private static String text(Element parent, String tag) {
        List<Element> c = children(parent, tag);
        return c.isEmpty() ? "" : c.get(0).getTextContent().strip();
    }

    private static List<String> nativeArtifacts(Element profile) {
        List<String> out = new ArrayList<>();
        for (Element deps : children(profile, "dependencies")) {
            for (Element dep : children(deps, "dependency")) {
                String artifact = text(dep, "artifactId");
                if (artifact.startsWith("pytorch-native-")) {
                    out.add(artifact);
                }
            }
        }
        return out;
    }
}
