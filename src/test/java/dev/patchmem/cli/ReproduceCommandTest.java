package dev.patchmem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchmem.config.Json;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code patchmem reproduce} end to end on a tiny study, and a rerun that keeps the finished stages. */
class ReproduceCommandTest {

    @TempDir
    Path tmp;

    static final List<String> TINY = List.of("data.patch=8", "data.stride=96", "data.maxPatches=6",
            "model.channels=8", "model.groups=4", "train.steps=6", "train.checkpointEvery=3", "train.batchSize=8",
            "train.warmupSteps=2", "diffusion.timesteps=20", "sample.steps=4", "eval.trainConditions=3",
            "eval.heldoutConditions=3", "eval.flatConditions=2", "eval.perCondition=2", "eval.r2Times=[5,15]");

    /** Tiny toy configs beside {@code out}: a few steps, few samples. */
    static List<Object> toyConfigs(Path out) throws java.io.IOException {
        Files.createDirectories(out.getParent());
        Path phases = out.resolveSibling("toy-phases.json");
        Files.writeString(phases, "{\"train\": {\"steps\": 20, \"checkpointEvery\": 10, \"batchSize\": 64},"
                + " \"phases\": {\"samples\": 200, \"freshSamples\": 200}, \"sample\": {\"steps\": 10}}");
        Path equivalence = out.resolveSibling("toy-equivalence.json");
        Files.writeString(equivalence, "{\"train\": {\"steps\": 20, \"checkpointEvery\": 10, \"batchSize\": 64},"
                + " \"equivalence\": {\"perCondition\": 200, \"sigmaAugs\": [0.3, 0.6]}, \"sample\": {\"steps\": 10}}");
        return List.of("--toy-phases", phases.toString(), "--toy-equivalence", equivalence.toString());
    }

    static Object[] args(Path out, String... first) throws java.io.IOException {
        List<Object> a = new java.util.ArrayList<>(List.of((Object[]) first));
        a.addAll(List.of("--config", "configs/default.json", "--out", out.toString(), "--device", "cpu"));
        a.addAll(toyConfigs(out));
        TINY.forEach(s -> {
            a.add("--set");
            a.add(s);
        });
        return a.toArray();
    }

    @Test
    void aTinyStudyEndsWithFiguresAReportAndARerunKeepsItsStages() throws Exception {
        Path out = tmp.resolve("study");
        Cli.Result r = Cli.patchmem(args(out, "reproduce"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("report: "), r.out());
        Path report = out.resolve("report.html");
        String html = Files.readString(report);
        assertTrue(html.contains("toy-phases/figures/toy-phases.png"), "toy phases figure in the report");
        assertTrue(html.contains("toy-equivalence/figures/toy-equivalence-bars.png"), "toy equivalence in the report");
        for (String png : List.of("distances-train.png", "distances-flat.png", "memorization.png", "retrieval.png",
                "r2.png")) {
            Path f = out.resolve("study/figures").resolve(png);
            BufferedImage img = ImageIO.read(f.toFile());
            assertNotNull(img, png);
            assertTrue(img.getWidth() > 300 && img.getHeight() > 200, png);
            assertTrue(html.contains("study/figures/" + png), "report links " + png);
        }
        assertTrue(html.contains("memorization ratio, train conditions"), "key numbers in the report");
        assertTrue(html.contains("Provenance") && html.contains("gitCommit"), "provenance in the report");

        // The CSV behind the memorization figure is the evaluation's numbers, not a recomputation.
        JsonNode index = Json.MAPPER.readTree(out.resolve("study/eval/index.json").toFile());
        List<String> csv = Files.readAllLines(out.resolve("study/figures/memorization.csv"));
        JsonNode lastTrain = index.get("checkpoints").get(1).get("sets").get("train");
        assertTrue(csv.contains("6,train," + lastTrain.get("memorizationRatio").asDouble() + ","
                + lastTrain.get("medianD1").asDouble()), csv.toString());

        Cli.Result again = Cli.patchmem(args(out, "reproduce"));
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("data: complete, kept"), again.out());
        assertTrue(again.out().contains("train: complete, kept"), again.out());
        assertTrue(again.out().contains("evaluate: 0 checkpoints evaluated"), again.out());
    }

    @Test
    void figuresOfARunThatWasNeverEvaluatedNameTheMissingFile() {
        Cli.Result r = Cli.patchmem("figures", "--run", tmp.resolve("nothing"));
        assertTrue(r.code() != 0);
        assertEquals(1, r.errorLines().size(), r.err());
        assertTrue(r.errorLines().get(0).contains("index.json"), r.err());
    }
}
