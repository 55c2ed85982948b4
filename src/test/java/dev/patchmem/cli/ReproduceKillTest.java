package dev.patchmem.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchmem.TestFiles;
import dev.patchmem.config.Json;
import dev.patchmem.io.Npy;
import dev.patchmem.io.Npz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code patchmem reproduce} killed with SIGKILL at random moments, several times, then run to the
 * end: every result equals that of a run never interrupted.
 */
class ReproduceKillTest {

    @TempDir
    Path tmp;

    @Test
    void killedAtRandomMomentsAndRerunEndsAsAnUninterruptedRun() throws Exception {
        // The uninterrupted run, timing its stages from the "[i/4 m:ss] stage" lines it prints.
        Path reference = tmp.resolve("reference");
        Path refLog = tmp.resolve("reference.log");
        Process ref = TestFiles.start(reproduce(reference), refLog);
        List<String> stages = List.of("[1/4", "[2/4", "[3/4", "[4/4");
        double[] begin = TestFiles.lineTimes(ref, refLog, stages);
        assertEquals(0, ref.exitValue(), () -> log(refLog));
        double[] length = new double[4];
        for (int i = 0; i < 4; i++) {
            length[i] = (i < 3 ? begin[i + 1] : begin[3] + 3) - begin[i];
        }

        // Each kill lands at a random moment inside one stage (data, train twice, evaluate, figures);
        // each run continues where the previous one was killed.
        Path killed = tmp.resolve("killed");
        Random random = new Random(7);
        List<String> landed = new ArrayList<>();
        for (int stage : new int[] {0, 1, 1, 2, 3}) {
            Path log = tmp.resolve("kill" + landed.size() + ".log");
            Process p = TestFiles.start(reproduce(killed), log);
            TestFiles.awaitLine(p, log, stages.get(stage));
            boolean ended = p.waitFor((long) (random.nextDouble() * length[stage] * 1000), TimeUnit.MILLISECONDS);
            TestFiles.killHard(p);
            landed.add(ended ? "finished" : lastStage(log));
        }
        Path log = tmp.resolve("last.log");
        assertEquals(0, TestFiles.run(reproduce(killed), log, 600), () -> "after kills at " + landed + ": " + log(log));

        System.out.printf("reproduce: stages begin at %s s; kills landed in %s%n", java.util.Arrays.toString(begin),
                landed);
        assertSameResults(reference, killed, landed.toString());
        assertEquals(List.of(), TestFiles.temporaries(killed), "no temporaries left");
    }

    private static List<String> reproduce(Path out) throws java.io.IOException {
        return TestFiles.patchmem(java.util.Arrays.stream(ReproduceCommandTest.args(out, "reproduce"))
                .map(Object::toString).toArray(String[]::new));
    }

    private static String log(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static void assertSameResults(Path a, Path b, String context) throws Exception {
        for (String f : List.of("data/hr.npy", "data/lr.npy", "data/heldout/hr.npy", "data/heldout/lr.npy")) {
            assertEquals(Npy.read(a.resolve(f)), Npy.read(b.resolve(f)), f + " (kills: " + context + ")");
        }
        List<String> steps = names(a.resolve("study/checkpoints"));
        assertEquals(steps, names(b.resolve("study/checkpoints")), "checkpoints");
        String finalStep = steps.get(steps.size() - 1);
        for (String f : List.of("model.npz", "ema.npz", "optimizer.npz")) {
            Path fa = a.resolve("study/checkpoints").resolve(finalStep).resolve(f);
            Path fb = b.resolve("study/checkpoints").resolve(finalStep).resolve(f);
            assertEquals(Npz.read(fa), Npz.read(fb), f + " of " + finalStep + " (kills: " + context + ")");
        }
        String state = "study/checkpoints/" + finalStep + "/state.json";
        // configHash covers data.dir, which names each run's own folder
        assertEquals(withoutTimes(a.resolve(state), "wallSeconds", "configHash"),
                withoutTimes(b.resolve(state), "wallSeconds", "configHash"));
        assertEquals(losses(a), losses(b), "metrics.jsonl");

        assertEquals(steps, names(b.resolve("study/eval")).stream().filter(n -> n.startsWith("step-")).toList());
        for (String step : steps) {
            Path ea = a.resolve("study/eval").resolve(step);
            Path eb = b.resolve("study/eval").resolve(step);
            assertEquals(withoutTimes(ea.resolve("summary.json"), "seconds", "rssMb", "checkpoint", "configHash"),
                    withoutTimes(eb.resolve("summary.json"), "seconds", "rssMb", "checkpoint", "configHash"), step);
            for (String set : List.of("train", "heldout", "flat")) {
                for (String f : List.of("samples.npy", "histograms.npy")) {
                    assertArrayEquals(Npy.read(ea.resolve(set).resolve(f)).data(),
                            Npy.read(eb.resolve(set).resolve(f)).data(), step + "/" + set + "/" + f);
                }
                assertEquals(Files.readString(ea.resolve(set).resolve("nearest.csv")),
                        Files.readString(eb.resolve(set).resolve("nearest.csv")), step + "/" + set);
            }
        }
        JsonNode na = Json.MAPPER.readTree(a.resolve("reproduce.json").toFile()).get("numbers");
        JsonNode nb = Json.MAPPER.readTree(b.resolve("reproduce.json").toFile()).get("numbers");
        ((ObjectNode) na).remove("training");   // its wall time and steps/s differ between runs
        ((ObjectNode) nb).remove("training");
        assertEquals(na, nb, "reproduce.json numbers");
        assertTrue(Files.readString(b.resolve("report.html")).contains("steps/s"), "report has the training line");
        assertTrue(Files.isRegularFile(b.resolve("data/provenance.json")), "data provenance");
        assertEquals(names(a.resolve("study/figures")), names(b.resolve("study/figures")), "figures");
    }

    private static JsonNode withoutTimes(Path json, String... fields) throws Exception {
        ObjectNode n = (ObjectNode) Json.MAPPER.readTree(json.toFile());
        n.remove(List.of(fields));
        return n;
    }

    private static List<String> losses(Path out) throws Exception {
        List<String> l = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("study/metrics.jsonl"))) {
            JsonNode n = Json.MAPPER.readTree(line);
            l.add(n.get("step").asInt() + ":" + n.get("loss").asText() + ":" + n.get("gradNorm").asText());
        }
        return l;
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String lastStage(Path log) throws Exception {
        List<String> lines = Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1).stream()
                .filter(l -> l.matches("\\[\\d/4 .*")).toList();
        return lines.isEmpty() ? "starting" : lines.get(lines.size() - 1);
    }
}
