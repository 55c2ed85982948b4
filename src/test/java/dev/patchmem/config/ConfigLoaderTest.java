package dev.patchmem.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {

    @TempDir
    Path tmp;

    private Path config(String json) throws IOException {
        Path f = tmp.resolve("study.json");
        Files.writeString(f, json);
        return f;
    }

    private StudyConfig load(Path file, String... overrides) throws IOException {
        return ConfigLoader.load(file, StudyConfig.class, StudyConfig.DEFAULT, List.of(overrides));
    }

    private ConfigException fails(String json, String... overrides) throws IOException {
        Path f = config(json);
        ConfigException e = assertThrows(ConfigException.class, () -> load(f, overrides));
        assertTrue(e.getMessage().contains(f.toString()), "message names the file: " + e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'), "one line: " + e.getMessage());
        return e;
    }

    private static void assertMentions(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "expected '" + p + "' in: " + e.getMessage());
        }
    }

    @Test
    void noFileAndNoOverridesGivesTheDefaults() throws IOException {
        assertEquals(StudyConfig.DEFAULT, load(null));
    }

    @Test
    void fileKeysReplaceDefaultsAndTheRestStay() throws IOException {
        StudyConfig c = load(config("""
                {"seed": 7, "data": {"dir": "runs/data/x", "patch": 16},
                 "train": {"steps": 300, "batchSize": 8, "checkpointEvery": 50, "sigmaAug": 0.1},
                 "diffusion": {"schedule": "linear"}, "sample": {"sampler": "ddpm", "ema": false}}
                """));
        assertEquals(7, c.seed());
        assertEquals("runs/data/x", c.data().dir());
        assertEquals(16, c.data().patch());
        assertEquals(DataConfig.DEFAULT.images(), c.data().images());
        assertEquals(300, c.train().steps());
        assertEquals(8, c.train().batchSize());
        assertEquals(50, c.train().checkpointEvery());
        assertEquals(0.1, c.train().sigmaAug());
        assertEquals(TrainConfig.DEFAULT.lr(), c.train().lr());
        assertEquals(DiffusionConfig.Schedule.LINEAR, c.diffusion().schedule());
        assertEquals(SampleConfig.Sampler.DDPM, c.sample().sampler());
        assertEquals(false, c.sample().ema());
        assertEquals(ModelConfig.DEFAULT, c.model());
    }

    @Test
    void unknownKeyNamesTheKeyAndTheFile() throws IOException {
        assertMentions(fails("{\"train\": {\"stepz\": 10}}"), "'train.stepz'", "steps");
        assertMentions(fails("{\"sed\": 1}"), "'sed'", "seed");
        assertMentions(fails("{\"model\": {\"channels\": 32, \"attn\": true}}"), "'model.attn'");
    }

    @Test
    void sectionGivenAsAScalarIsAnError() throws IOException {
        assertMentions(fails("{\"train\": 5}"), "'train'", "steps");
    }

    static Stream<Arguments> wrongTypes() {
        return Stream.of(
                Arguments.of("{\"train\": {\"steps\": \"abc\"}}", "train.steps", "integer"),
                Arguments.of("{\"train\": {\"steps\": \"500\"}}", "train.steps", "integer"),
                Arguments.of("{\"train\": {\"steps\": 2.5}}", "train.steps", "integer"),
                Arguments.of("{\"train\": {\"steps\": 100.0}}", "train.steps", "integer"),
                Arguments.of("{\"train\": {\"steps\": null}}", "train.steps", "integer"),
                Arguments.of("{\"train\": {\"steps\": true}}", "train.steps", "integer"),
                Arguments.of("{\"train\": {\"steps\": 3000000000}}", "train.steps", "int"),
                Arguments.of("{\"train\": {\"sigmaAug\": \"0.3\"}}", "train.sigmaAug", "number"),
                Arguments.of("{\"sample\": {\"ema\": \"true\"}}", "sample.ema", "true or false"),
                Arguments.of("{\"sample\": {\"ema\": 1}}", "sample.ema", "true or false"),
                Arguments.of("{\"model\": {\"attention\": \"yes\"}}", "model.attention", "true or false"),
                Arguments.of("{\"seed\": \"1\"}", "seed", "integer"),
                Arguments.of("{\"data\": {\"dir\": 5}}", "data.dir", "string"),
                Arguments.of("{\"data\": {\"holdout\": \"a.png\"}}", "data.holdout", "list"),
                Arguments.of("{\"model\": {\"channelMult\": [1, \"2\"]}}", "model.channelMult[1]", "integer"),
                Arguments.of("{\"eval\": {\"r2Times\": 10}}", "eval.r2Times", "list"));
    }

    @ParameterizedTest
    @MethodSource("wrongTypes")
    void wrongTypeNamesTheKeyTheFileAndTheExpectedType(String json, String key, String expected) throws IOException {
        assertMentions(fails(json), "'" + key + "'", expected);
    }

    static Stream<Arguments> outOfRange() {
        return Stream.of(
                Arguments.of("{\"train\": {\"steps\": 0}}", "train.steps"),
                Arguments.of("{\"train\": {\"steps\": -5}}", "train.steps"),
                Arguments.of("{\"train\": {\"batchSize\": 0}}", "train.batchSize"),
                Arguments.of("{\"train\": {\"lr\": 0}}", "train.lr"),
                Arguments.of("{\"train\": {\"sigmaAug\": -0.1}}", "train.sigmaAug"),
                Arguments.of("{\"train\": {\"checkpointEvery\": 0}}", "train.checkpointEvery"),
                Arguments.of("{\"data\": {\"patch\": 31}}", "data.patch"),
                Arguments.of("{\"data\": {\"patch\": 0}}", "data.patch"),
                Arguments.of("{\"data\": {\"stride\": -1}}", "data.stride"),
                Arguments.of("{\"data\": {\"dir\": null}}", "data.dir"),
                Arguments.of("{\"diffusion\": {\"timesteps\": 1}}", "diffusion.timesteps"),
                Arguments.of("{\"diffusion\": {\"betaStart\": 0.1, \"betaEnd\": 0.01}}", "diffusion.betaStart"),
                Arguments.of("{\"sample\": {\"eta\": 1.5}}", "sample.eta"),
                Arguments.of("{\"sample\": {\"steps\": 500}}", "sample.steps"),
                Arguments.of("{\"model\": {\"channels\": 30}}", "model.groups"),
                Arguments.of("{\"model\": {\"channelMult\": []}}", "model.channelMult"),
                Arguments.of("{\"eval\": {\"perCondition\": 0}}", "eval.perCondition"),
                Arguments.of("{\"data\": {\"patch\": 6}, \"model\": {\"channelMult\": [1, 2, 4]}}", "data.patch"));
    }

    @ParameterizedTest
    @MethodSource("outOfRange")
    void outOfRangeValueNamesTheKeyAndTheFile(String json, String key) throws IOException {
        assertMentions(fails(json), key);
    }

    @Test
    void outOfRangeMessageGivesTheRuleAndTheValue() throws IOException {
        assertMentions(fails("{\"train\": {\"steps\": 0}}"), "train.steps must be in [1, ", "got 0");
        assertMentions(fails("{\"data\": {\"patch\": 31}}"), "data.patch must be even", "31");
    }

    @Test
    void unknownEnumValueListsTheAllowedOnes() throws IOException {
        assertMentions(fails("{\"diffusion\": {\"schedule\": \"quadratic\"}}"), "'diffusion.schedule'",
                "linear", "cosine");
        assertMentions(fails("{\"sample\": {\"sampler\": \"euler\"}}"), "'sample.sampler'", "ddpm", "ddim");
        assertMentions(fails("{\"diffusion\": {\"prediction\": 3}}"), "'diffusion.prediction'", "eps", "x0", "v");
    }

    @Test
    void enumValuesAreReadInAnyCase() throws IOException {
        assertEquals(TrainConfig.LrSchedule.CONSTANT,
                load(config("{\"train\": {\"lrSchedule\": \"CONSTANT\"}}")).train().lrSchedule());
    }

    @Test
    void invalidJsonNamesTheFileAndLine() throws IOException {
        assertMentions(fails("{\n\"seed\": 1,\n\"train\": {\n}}}"), "not valid JSON", "line");
        assertMentions(fails("[1, 2]"), "JSON object");
    }

    @Test
    void missingFileIsAnError() {
        Path f = tmp.resolve("absent.json");
        ConfigException e = assertThrows(ConfigException.class, () -> load(f));
        assertMentions(e, f.toString());
    }

    @Test
    void setOverridesDefaultsAndFile() throws IOException {
        Path f = config("{\"train\": {\"steps\": 300}, \"seed\": 1}");
        StudyConfig c = load(f, "train.steps=500", "seed=9", "train.sigmaAug=0.05", "data.dir=runs/data/y",
                "sample.sampler=ddpm", "sample.ema=false", "data.holdout=[\"a.png\", \"b.png\"]",
                "model.channelMult=[1,1]");
        assertEquals(500, c.train().steps());
        assertEquals(9, c.seed());
        assertEquals(0.05, c.train().sigmaAug());
        assertEquals("runs/data/y", c.data().dir());
        assertEquals(SampleConfig.Sampler.DDPM, c.sample().sampler());
        assertEquals(false, c.sample().ema());
        assertEquals(List.of("a.png", "b.png"), c.data().holdout());
        assertEquals(List.of(1, 1), c.model().channelMult());
        assertEquals(load(null, "train.steps=500"), load(null, "train.steps=200", "train.steps=500"), "last wins");
    }

    @Test
    void setAStringThatLooksLikeANumberStaysAString() throws IOException {
        assertEquals("123", load(null, "data.dir=123").data().dir());
    }

    @Test
    void setWithAnUnknownKeyNamesTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(null, "train.stepz=5"));
        assertMentions(e, "'train.stepz'", "steps");
        e = assertThrows(ConfigException.class, () -> load(null, "trian.steps=5"));
        assertMentions(e, "'trian.steps'");
        e = assertThrows(ConfigException.class, () -> load(null, "train.steps.x=5"));
        assertMentions(e, "'train.steps.x'");
    }

    @Test
    void setWithWrongTypeOrRangeNamesTheKey() {
        assertMentions(assertThrows(ConfigException.class, () -> load(null, "train.steps=abc")),
                "'train.steps'", "integer", "abc");
        assertMentions(assertThrows(ConfigException.class, () -> load(null, "train.steps=1.5")),
                "'train.steps'", "integer");
        assertMentions(assertThrows(ConfigException.class, () -> load(null, "sample.ema=yes")),
                "'sample.ema'", "true or false");
        assertMentions(assertThrows(ConfigException.class, () -> load(null, "train.steps=0")),
                "train.steps", "got 0");
        assertMentions(assertThrows(ConfigException.class, () -> load(null, "train.steps=")),
                "train.steps");
        assertMentions(assertThrows(ConfigException.class, () -> load(null, "diffusion.schedule=quad")),
                "'diffusion.schedule'", "linear", "cosine");
    }

    @Test
    void setWithoutEqualsOrOnASectionIsAnError() {
        assertMentions(assertThrows(ConfigException.class, () -> load(null, "train.steps")), "key=value");
        assertMentions(assertThrows(ConfigException.class, () -> load(null, "train=5")), "section", "steps");
    }

    @Test
    void presetFillsTheModelSectionAndExplicitKeysWin() throws IOException {
        Path preset = tmp.resolve("unet-wide.json");
        Files.writeString(preset, "{\"channels\": 64, \"channelMult\": [1, 2, 2], \"attention\": true}");
        StudyConfig c = load(config("{\"model\": {\"preset\": \"" + preset + "\", \"attention\": false}}"));
        assertEquals(new ModelConfig(preset.toString(), 64, List.of(1, 2, 2), 1, false, 8), c.model());
    }

    @Test
    void relativePresetIsFoundUnderTheInstallationFolder() throws IOException {
        Path home = Files.createDirectories(tmp.resolve("home/models"));
        Files.writeString(home.resolve("unet-test-only.json"), "{\"resBlocks\": 3}");
        String old = System.getProperty("patchmem.home");
        System.setProperty("patchmem.home", tmp.resolve("home").toString());
        try {
            StudyConfig c = load(config("{\"model\": {\"preset\": \"models/unet-test-only.json\"}}"));
            assertEquals(3, c.model().resBlocks());
            assertEquals("models/unet-test-only.json", c.model().preset());
        } finally {
            if (old == null) {
                System.clearProperty("patchmem.home");
            } else {
                System.setProperty("patchmem.home", old);
            }
        }
    }

    @Test
    void presetProblemsNameThePreset() throws IOException {
        Path missing = tmp.resolve("nope.json");
        assertMentions(fails("{\"model\": {\"preset\": \"" + missing + "\"}}"), "model.preset", missing.toString());
        Path bad = tmp.resolve("bad-preset.json");
        Files.writeString(bad, "{\"channels\": 64, \"widht\": 3}");
        assertMentions(fails("{\"model\": {\"preset\": \"" + bad + "\"}}"), "'model.widht'");
        assertMentions(fails("{\"model\": {\"preset\": 3}}"), "model.preset");
    }

    static final DataConfig DATA = new DataConfig("imgs", "runs/data/z", 16, 4, List.of("a.png", "b.png"), 0.125, 100);
    static final ModelConfig MODEL = new ModelConfig("", 48, List.of(1, 2, 4), 2, true, 16);
    static final DiffusionConfig DIFFUSION =
            new DiffusionConfig(250, DiffusionConfig.Schedule.LINEAR, DiffusionConfig.Prediction.EPS, 2e-4, 0.03);
    static final TrainConfig TRAIN = new TrainConfig(1234, 16, 3e-4, TrainConfig.LrSchedule.CONSTANT, 10, 0.01, 0.8,
            0.99, 0.5, 0.9999, 0.7, 100, 3, 5);
    static final SampleConfig SAMPLE = new SampleConfig(SampleConfig.Sampler.DDPM, 50, 0.5, false, 64);
    static final EvalConfig EVAL = new EvalConfig(8, 4, 2, 3, 32, 2.0, 1, List.of(5, 25), 1024);
    static final StudyConfig STUDY = new StudyConfig(-42, DATA, MODEL, DIFFUSION, TRAIN, SAMPLE, EVAL);

    static Stream<Arguments> records() {
        return Stream.of(
                Arguments.of(StudyConfig.class, StudyConfig.DEFAULT, STUDY),
                Arguments.of(StudyConfig.class, StudyConfig.DEFAULT, StudyConfig.DEFAULT),
                Arguments.of(DataConfig.class, DataConfig.DEFAULT, DATA),
                Arguments.of(ModelConfig.class, ModelConfig.DEFAULT, MODEL),
                Arguments.of(DiffusionConfig.class, DiffusionConfig.DEFAULT, DIFFUSION),
                Arguments.of(TrainConfig.class, TrainConfig.DEFAULT, TRAIN),
                Arguments.of(SampleConfig.class, SampleConfig.DEFAULT, SAMPLE),
                Arguments.of(EvalConfig.class, EvalConfig.DEFAULT, EVAL));
    }

    @ParameterizedTest
    @MethodSource("records")
    <T> void everyConfigRecordSurvivesAJsonRoundTrip(Class<T> type, T defaults, T value) throws IOException {
        Path f = tmp.resolve(type.getSimpleName() + ".json");
        Files.writeString(f, Json.MAPPER.writeValueAsString(value));
        assertEquals(value, ConfigLoader.load(f, type, defaults, List.of()));
        assertEquals(value, ConfigLoader.parse(f, type, defaults));
        assertEquals(value, Json.read(f, type));
    }

    @Test
    void resolvedConfigNamingAPresetLoadsWhereThePresetIsAbsent() throws IOException {
        // A run's config.json holds every model key already; it must load on a machine without the preset.
        StudyConfig study = new StudyConfig(1, DATA, new ModelConfig("models/not-here.json", 48, List.of(1, 2, 4), 2,
                true, 16), DIFFUSION, TRAIN, SAMPLE, EVAL);
        Path f = tmp.resolve("config.json");
        Json.write(f, study);
        assertEquals(study, ConfigLoader.parse(f, StudyConfig.class, StudyConfig.DEFAULT));
    }

    @Test
    void resolvedConfigWithItsPresetPresentRoundTrips() throws IOException {
        Path preset = tmp.resolve("unet.json");
        Files.writeString(preset, "{\"channels\": 8, \"resBlocks\": 3}");
        StudyConfig study = new StudyConfig(1, DATA, new ModelConfig(preset.toString(), 48, List.of(1, 2, 4), 2,
                true, 16), DIFFUSION, TRAIN, SAMPLE, EVAL);
        Path f = tmp.resolve("config.json");
        Json.write(f, study);
        assertEquals(study, ConfigLoader.load(f, StudyConfig.class, StudyConfig.DEFAULT, List.of()));
    }
}
