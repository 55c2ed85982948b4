package dev.patchmem.toy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchmem.config.ConfigException;
import dev.patchmem.config.ConfigLoader;
import dev.patchmem.config.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ToyConfigTest {

    @TempDir
    Path tmp;

    private ToyConfig load(Path file, String... overrides) throws IOException {
        return ConfigLoader.load(file, ToyConfig.class, ToyConfig.DEFAULT, List.of(overrides));
    }

    private ConfigException fails(String json) throws IOException {
        Path f = tmp.resolve("toy.json");
        Files.writeString(f, json);
        ConfigException e = assertThrows(ConfigException.class, () -> load(f));
        assertTrue(e.getMessage().contains(f.toString()), "names the file: " + e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'), "one line: " + e.getMessage());
        return e;
    }

    private static void assertMentions(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "expected '" + p + "' in: " + e.getMessage());
        }
    }

    @Test
    void defaultsAndTheShippedConfigsLoad() throws IOException {
        assertEquals(ToyConfig.DEFAULT, load(null));
        ToyConfig phases = load(Path.of("configs/toy-phases.json"));
        ToyConfig equivalence = load(Path.of("configs/toy-equivalence.json"));
        assertTrue(phases.phases().trainPoints() >= 16 && phases.phases().trainPoints() <= 64);
        assertTrue(equivalence.equivalence().perCondition() >= 4000);
        assertEquals(3, equivalence.equivalence().sigmaAugs().size());
    }

    @Test
    void fileKeysAndOverridesReplaceDefaults() throws IOException {
        Path f = tmp.resolve("toy.json");
        Files.writeString(f, """
                {"mlp": {"hidden": 64}, "equivalence": {"sigmaAugs": [0.2], "conditions": [[0.5, 0.5]]},
                 "phases": {"centers": [[0, 0, 0]], "trainPoints": 20}}
                """);
        ToyConfig c = load(f, "train.steps=300", "equivalence.perCondition=100");
        assertEquals(64, c.mlp().hidden());
        assertEquals(ToyConfig.MlpConfig.DEFAULT.layers(), c.mlp().layers());
        assertEquals(List.of(0.2), c.equivalence().sigmaAugs());
        assertEquals(List.of(List.of(0.5, 0.5)), c.equivalence().conditions());
        assertEquals(3, c.phases().dim());
        assertEquals(20, c.phases().trainPoints());
        assertEquals(300, c.train().steps());
        assertEquals(100, c.equivalence().perCondition());
    }

    @Test
    void unknownKeysNameTheKeyAndTheFile() throws IOException {
        assertMentions(fails("{\"mlp\": {\"width\": 64}}"), "'mlp.width'", "hidden");
        assertMentions(fails("{\"equivalence\": {\"sigma\": [0.1]}}"), "'equivalence.sigma'", "sigmaAugs");
        assertMentions(fails("{\"model\": {}}"), "'model'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"mlp\": {\"timeEmbedding\": 7}}                                  | mlp.timeEmbedding must be even",
            "{\"mlp\": {\"layers\": 0}}                                         | mlp.layers",
            "{\"equivalence\": {\"sigmaAugs\": []}}                             | equivalence.sigmaAugs must list",
            "{\"equivalence\": {\"sigmaAugs\": [0.3, 0.3]}}                     | must be distinct",
            "{\"equivalence\": {\"sigmaAugs\": [-0.1]}}                         | equivalence.sigmaAugs[]",
            "{\"equivalence\": {\"conditions\": [[1, 2, 3]]}}                   | equivalence.conditions[0] must have 2",
            "{\"equivalence\": {\"conditions\": []}}                            | equivalence.conditions must list",
            "{\"equivalence\": {\"points\": 1}}                                 | equivalence.points",
            "{\"equivalence\": {\"targetTv\": 0}}                               | equivalence.targetTv",
            "{\"phases\": {\"centers\": [[1, 1], [2]]}}                         | phases.centers[1] must have 2",
            "{\"phases\": {\"trainPoints\": 1}}                                 | phases.trainPoints",
            "{\"phases\": {\"componentStd\": 0}}                                | phases.componentStd",
            "{\"phases\": {\"memorizedFraction\": 1.5}}                         | phases.memorizedFraction",
            "{\"train\": {\"keepLast\": 2}}                                     | train.keepLast must be 0",
            "{\"train\": {\"sigmaAug\": 0.3}}                                   | train.sigmaAug is set per sub-run",
            "{\"sample\": {\"steps\": 500}}                                     | must not exceed diffusion.timesteps",
            "{\"diffusion\": {\"prediction\": \"score\"}}                       | 'diffusion.prediction'",
            "{\"seed\": \"1\"}                                                  | 'seed' has the wrong type"})
    void badValuesAreOneLineErrorsNamingTheKey(String json, String message) throws IOException {
        assertMentions(fails(json), message);
    }

    @Test
    void aSubRunConfigFixesOneSigmaAndSurvivesTheRoundTripThroughItsConfigJson() throws IOException {
        ToyConfig sub = ToyConfig.DEFAULT.forSigma(0.3);
        assertEquals(0.3, sub.train().sigmaAug());
        assertEquals(List.of(0.3), sub.equivalence().sigmaAugs());
        assertEquals(ToyConfig.DEFAULT.train().steps(), sub.train().steps());
        Path f = tmp.resolve("config.json");
        Files.writeString(f, Json.text(sub));
        assertEquals(sub, ConfigLoader.parse(f, ToyConfig.class, ToyConfig.DEFAULT));
    }

    @Test
    void sigmaFoldersAreExactAndDistinct() {
        assertEquals("sigma-0.30", ToyConfig.sigmaFolder(0.3));
        assertEquals("sigma-0.15", ToyConfig.sigmaFolder(0.15));
        assertEquals("sigma-0.125", ToyConfig.sigmaFolder(0.125));
        assertEquals("sigma-2.00", ToyConfig.sigmaFolder(2));
        assertEquals("sigma-0.0001", ToyConfig.sigmaFolder(1e-4));
    }
}
