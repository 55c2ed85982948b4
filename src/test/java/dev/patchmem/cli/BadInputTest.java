package dev.patchmem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchmem.TestData;
import dev.patchmem.config.Json;
import dev.patchmem.io.Npy;
import dev.patchmem.io.NpyArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input of every command (files, configs, flags): each ends with its exit code (2 for usage, 1
 * for a failed job), one line on stderr that names the culprit, no stack trace, and no output.
 * {@code patchmem data} has its own table in {@link DataCommandTest}.
 */
class BadInputTest {

    @TempDir
    static Path tmp;

    /** What the cases point at: a patch set, a run with one checkpoint, inputs good and bad. */
    record Fixtures(Path data, Path run, Path checkpoint, Path conds, Path nanConds, Path hrShaped, Path text,
                    Path file, Path config, Path badJson, Path unknownKey, Path wrongType, Path out) {

        Fixtures withOut(Path o) {
            return new Fixtures(data, run, checkpoint, conds, nanConds, hrShaped, text, file, config, badJson,
                    unknownKey, wrongType, o);
        }
    }

    static Fixtures f;

    @BeforeAll
    static void fixtures() throws Exception {
        Path data = TestData.patchSet(tmp.resolve("data"), 8, 64, 12);
        Path config = tmp.resolve("tiny.json");
        Files.writeString(config, Json.text(TestData.tinyConfig(data, 8, "train.steps=2", "train.checkpointEvery=2")));
        Path run = tmp.resolve("run");
        Cli.Result r = Cli.patchmem("train", "--config", config, "--run", run, "--device", "cpu");
        assertEquals(0, r.code(), r.err());
        Path conds = tmp.resolve("conds.npy");
        Npy.write(conds, new NpyArray(new long[] {2, 3, 4, 4}, new float[96]));
        Path nan = tmp.resolve("nan.npy");
        float[] v = new float[96];
        v[17] = Float.NaN;
        Npy.write(nan, new NpyArray(new long[] {2, 3, 4, 4}, v));
        Path hrShaped = tmp.resolve("hr-shaped.npy");
        Npy.write(hrShaped, new NpyArray(new long[] {1, 3, 8, 8}, new float[192]));
        Path text = tmp.resolve("notes.npy");
        Files.writeString(text, "shopping list\n");
        Path file = tmp.resolve("plain-file");
        Files.writeString(file, "x");
        Path badJson = tmp.resolve("bad.json");
        Files.writeString(badJson, "{\"train\": {\"steps\": 10,}\n");
        Path unknown = tmp.resolve("unknown.json");
        Files.writeString(unknown, "{\"train\": {\"stepz\": 10}}\n");
        Path wrongType = tmp.resolve("wrong-type.json");
        Files.writeString(wrongType, "{\"model\": {\"channels\": \"wide\"}}\n");
        f = new Fixtures(data, run, run.resolve("checkpoints/step-0000002"), conds, nan, hrShaped, text, file, config,
                badJson, unknown, wrongType, tmp.resolve("out"));
    }

    /** A bad command line, its exit code and what its one error line must contain. */
    record Case(String label, Function<Fixtures, List<Object>> args, int code,
                Function<Fixtures, List<Object>> culprits) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Case usage(String label, Function<Fixtures, List<Object>> args, String... culprits) {
        return new Case(label, args, 2, x -> List.of((Object[]) culprits));
    }

    static Case failed(String label, Function<Fixtures, List<Object>> args, Function<Fixtures, List<Object>> culprits) {
        return new Case(label, args, 1, culprits);
    }

    static Stream<Case> cases() {
        return Stream.of(
                usage("unknown command", x -> List.of("trian"), "trian"),
                usage("unknown option", x -> List.of("train", "--stpes", "3"), "--stpes"),
                usage("option without its value", x -> List.of("train", "--config"), "--config"),
                // train
                failed("train without --config or --run", x -> List.of("train"), x -> List.of("--config")),
                failed("train: missing config file", x -> List.of("train", "--config", tmp.resolve("none.json")),
                        x -> List.of(tmp.resolve("none.json"))),
                failed("train: invalid JSON", x -> List.of("train", "--config", x.badJson(), "--dry-run"),
                        x -> List.of(x.badJson(), "line")),
                failed("train: unknown config key", x -> List.of("train", "--config", x.unknownKey(), "--dry-run"),
                        x -> List.of(x.unknownKey(), "train.stepz")),
                failed("train: wrong config type", x -> List.of("train", "--config", x.wrongType(), "--dry-run"),
                        x -> List.of(x.wrongType(), "model.channels", "integer")),
                failed("train: --set without =", x -> List.of("train", "--config", x.config(), "--set", "train.steps",
                        "--dry-run"), x -> List.of("train.steps", "key=value")),
                failed("train: --set unknown key", x -> List.of("train", "--config", x.config(), "--set", "train.x=1",
                        "--dry-run"), x -> List.of("train.x")),
                failed("train: --set out of range", x -> List.of("train", "--config", x.config(), "--set",
                        "train.steps=0", "--dry-run"), x -> List.of("train.steps")),
                failed("train: --device unknown", x -> List.of("train", "--config", x.config(), "--run", x.out(),
                        "--device", "tpu"), x -> List.of("--device", "tpu")),
                failed("train: --run is a file", x -> List.of("train", "--config", x.config(), "--run", x.file(),
                        "--device", "cpu"), x -> List.of(x.file(), "not a folder")),
                failed("train: existing run without --resume", x -> List.of("train", "--config", x.config(), "--run",
                        x.run(), "--device", "cpu"), x -> List.of(x.run(), "--resume")),
                failed("train: --resume with another config", x -> List.of("train", "--config", x.config(), "--run",
                        x.run(), "--resume", "--set", "train.lr=0.5", "--device", "cpu"),
                        x -> List.of(x.run().resolve("config.json"))),
                // sample
                usage("sample without --checkpoint", x -> List.of("sample", "--conditions", x.conds(),
                        "--per-condition", "1", "--seed", "0", "--out", x.out()), "--checkpoint"),
                usage("sample: --per-condition not a number", x -> List.of("sample", "--checkpoint", x.checkpoint(),
                        "--conditions", x.conds(), "--per-condition", "many", "--seed", "0", "--out", x.out()), "many"),
                failed("sample: --per-condition 0", x -> sample(x, x.conds(), "--per-condition", "0"),
                        x -> List.of("--per-condition")),
                failed("sample: missing checkpoint folder", x -> List.of("sample", "--checkpoint",
                        tmp.resolve("no-ck"), "--conditions", x.conds(), "--per-condition", "1", "--seed", "0",
                        "--out", x.out()), x -> List.of(tmp.resolve("no-ck"))),
                failed("sample: run folder given as checkpoint", x -> List.of("sample", "--checkpoint", x.run(),
                        "--conditions", x.conds(), "--per-condition", "1", "--seed", "0", "--out", x.out()),
                        x -> List.of(x.run().resolve("manifest.json"))),
                failed("sample: conditions not an .npy", x -> sample(x, x.text()), x -> List.of(x.text())),
                failed("sample: conditions of HR shape", x -> sample(x, x.hrShaped()), x -> List.of(x.hrShaped())),
                failed("sample: conditions with NaN", x -> sample(x, x.nanConds()), x -> List.of(x.nanConds(), "NaN")),
                failed("sample: --steps beyond T", x -> sample(x, x.conds(), "--steps", "500"),
                        x -> List.of("steps", "500")),
                failed("sample: --eta above 1", x -> sample(x, x.conds(), "--eta", "2"), x -> List.of("eta")),
                failed("sample: --batch 0", x -> sample(x, x.conds(), "--batch", "0"), x -> List.of("batch")),
                usage("sample: unknown --sampler", x -> sample(x, x.conds(), "--sampler", "euler"), "euler"),
                failed("sample: --out is a folder", x -> sample(x, x.conds(), "--out", x.run()), x -> List.of(x.run())),
                // kernel
                failed("kernel: --sigma-aug 0", x -> kernel(x, x.conds(), "--sigma-aug", "0"),
                        x -> List.of("sigma_aug")),
                failed("kernel: --sigma-aug NaN", x -> kernel(x, x.conds(), "--sigma-aug", "NaN"),
                        x -> List.of("sigma_aug")),
                failed("kernel: --block 0", x -> kernel(x, x.conds(), "--block", "0"), x -> List.of("--block")),
                failed("kernel: missing dataset", x -> List.of("kernel", "--dataset", tmp.resolve("no-data"),
                        "--conditions", x.conds(), "--sigma-aug", "0.1", "--out", x.out()),
                        x -> List.of(tmp.resolve("no-data"))),
                failed("kernel: conditions with NaN", x -> kernel(x, x.nanConds()), x -> List.of(x.nanConds())),
                failed("kernel: conditions not an .npy", x -> kernel(x, x.text()), x -> List.of(x.text())),
                failed("kernel: --out is a file", x -> kernel(x, x.conds(), "--out", x.file()), x -> List.of(x.file())),
                // evaluate
                usage("evaluate without a form", x -> List.of("evaluate"), "--samples", "--run"),
                usage("evaluate with both forms", x -> List.of("evaluate", "--run", x.run(), "--samples", x.hrShaped(),
                        "--dataset", x.data(), "--out", x.out()), "--run"),
                failed("evaluate: --bins 0", x -> evaluate(x, "--bins", "0"), x -> List.of("bins")),
                failed("evaluate: --bin-max -1", x -> evaluate(x, "--bin-max", "-1"), x -> List.of("-1")),
                failed("evaluate: --block 0", x -> evaluate(x, "--block", "0"), x -> List.of("--block")),
                failed("evaluate: --raw out of range", x -> evaluate(x, "--raw", "500"), x -> List.of("--raw", "500")),
                failed("evaluate: samples not an .npy", x -> List.of("evaluate", "--samples", x.text(), "--dataset",
                        x.data(), "--out", x.out()), x -> List.of(x.text())),
                failed("evaluate: --dataset is a file", x -> List.of("evaluate", "--samples", x.hrShaped(),
                        "--dataset", x.file(), "--out", x.out()), x -> List.of(x.file())),
                failed("evaluate: --run not a run folder", x -> List.of("evaluate", "--run", x.data()),
                        x -> List.of(x.data().resolve("config.json"))),
                failed("evaluate: --run missing", x -> List.of("evaluate", "--run", tmp.resolve("no-run")),
                        x -> List.of(tmp.resolve("no-run"))),
                failed("evaluate: --poll 0", x -> List.of("evaluate", "--run", x.run(), "--watch", "--poll", "0"),
                        x -> List.of("--poll")),
                // figures
                usage("figures without --run", x -> List.of("figures"), "--run"),
                failed("figures: run never evaluated", x -> List.of("figures", "--run", x.run()),
                        x -> List.of(x.run().resolve("eval").resolve("index.json"))),
                // reproduce
                failed("reproduce: missing config", x -> List.of("reproduce", "--config", tmp.resolve("none.json"),
                        "--out", x.out()), x -> List.of(tmp.resolve("none.json"))),
                failed("reproduce: unknown --set key", x -> List.of("reproduce", "--out", x.out(), "--set",
                        "train.nope=1"), x -> List.of("train.nope")),
                failed("reproduce: --out is a file", x -> List.of("reproduce", "--out", x.file(), "--set",
                        "data.patch=8"), x -> List.of(x.file())),
                failed("reproduce: --device unknown", x -> List.of("reproduce", "--out", x.out(), "--device", "tpu"),
                        x -> List.of("--device")));
    }

    static List<Object> sample(Fixtures x, Path conds, Object... more) {
        return command("sample", List.of("--checkpoint", x.checkpoint(), "--conditions", conds, "--per-condition", 1,
                "--seed", 0, "--out", x.out().resolve("s.npy"), "--device", "cpu"), more);
    }

    static List<Object> kernel(Fixtures x, Path conds, Object... more) {
        return command("kernel", List.of("--dataset", x.data(), "--conditions", conds, "--sigma-aug", 0.1, "--out",
                x.out()), more);
    }

    static List<Object> evaluate(Fixtures x, Object... more) {
        return command("evaluate", List.of("--samples", x.data().resolve("hr.npy"), "--dataset", x.data(), "--out",
                x.out()), more);
    }

    /** {@code name} with the options {@code base} (option, value, ...), {@code more} replacing or adding. */
    private static List<Object> command(String name, List<Object> base, Object... more) {
        java.util.Map<Object, Object> options = new java.util.LinkedHashMap<>();
        for (int i = 0; i < base.size(); i += 2) {
            options.put(base.get(i), base.get(i + 1));
        }
        for (int i = 0; i < more.length; i += 2) {
            options.put(more[i], more[i + 1]);
        }
        List<Object> a = new java.util.ArrayList<>(List.of(name));
        options.forEach((k, v) -> {
            a.add(k);
            a.add(v);
        });
        return a;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void failsWithItsCodeAndOneLineNamingTheCulprit(Case c) throws Exception {
        Fixtures x = f.withOut(tmp.resolve("out-" + c.label().replaceAll("[^A-Za-z0-9]+", "-")));
        byte[] model = Files.readAllBytes(x.checkpoint().resolve("model.npz"));
        Cli.Result r = Cli.patchmem(c.args().apply(x).toArray());
        assertEquals(c.code(), r.code(), c + ": " + r.err());
        List<String> lines = r.errorLines();
        assertEquals(1, lines.size(), "one line: " + r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no stack trace: " + r.err());
        for (Object culprit : c.culprits().apply(x)) {
            assertTrue(lines.get(0).contains(culprit.toString()), "'" + lines.get(0) + "' should name " + culprit);
        }
        assertFalse(Files.exists(x.out()), "no output written");
        assertEquals("x", Files.readString(x.file()), "a file given where a folder belongs is left alone");
        assertTrue(java.util.Arrays.equals(model, Files.readAllBytes(x.checkpoint().resolve("model.npz"))),
                "the run is left alone");
    }
}
