package dev.patchmem.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchmem.TestImages;
import dev.patchmem.config.Json;
import dev.patchmem.data.DatasetInfo;
import dev.patchmem.io.Npy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code patchmem data} through the real entry point, {@link Main#run}, on real files. */
class DataCommandTest {

    @TempDir
    Path tmp;

    static Cli.Result patchmem(Object... args) {
        return Cli.patchmem(args);
    }

    private Path images() throws IOException {
        Path in = Files.createDirectories(tmp.resolve("images"));
        TestImages.writeNoise(in.resolve("good.png"), 24, 20, 1);
        return in;
    }

    /** A bad input: what to put in the image folder, the arguments beyond --out, and what the error must name. */
    record Bad(String label, Setup setup, List<String> culprits) {
        @Override
        public String toString() {
            return label;
        }
    }

    @FunctionalInterface
    interface Setup {
        /** Prepares {@code tmp} and returns the arguments, without --out. */
        List<Object> prepare(Path tmp) throws IOException;
    }

    static Path goodImages(Path tmp) throws IOException {
        Path in = Files.createDirectories(tmp.resolve("images"));
        TestImages.writeNoise(in.resolve("good.png"), 24, 20, 1);
        return in;
    }

    static Stream<Bad> badInputs() {
        return Stream.of(
                new Bad("truncated JPEG", t -> {
                    Path in = goodImages(t);
                    TestImages.truncatedCopy(TestImages.NATURAL.resolve("rocket.jpg"), in.resolve("rocket.jpg"));
                    return List.of("--images", in, "--patch", 8);
                }, List.of("rocket.jpg", "truncated")),
                new Bad("text file named .png", t -> {
                    Path in = goodImages(t);
                    Files.writeString(in.resolve("notes.png"), "shopping list\n");
                    return List.of("--images", in, "--patch", 8);
                }, List.of("notes.png")),
                new Bad("missing folder", t -> List.of("--images", t.resolve("nope"), "--patch", 8), List.of("nope")),
                new Bad("empty folder", t -> {
                    Path in = Files.createDirectories(t.resolve("empty"));
                    Files.writeString(in.resolve("README.md"), "no images here\n");
                    return List.of("--images", in);
                }, List.of("empty", "no images")),
                new Bad("odd --patch", t -> List.of("--images", goodImages(t), "--patch", 31),
                        List.of("--patch", "31")),
                new Bad("--patch 0", t -> List.of("--images", goodImages(t), "--patch", 0), List.of("--patch")),
                new Bad("--stride 0", t -> List.of("--images", goodImages(t), "--patch", 8, "--stride", 0),
                        List.of("--stride", "0")),
                new Bad("negative --stride", t -> List.of("--images", goodImages(t), "--patch", 8, "--stride", -4),
                        List.of("--stride", "-4")),
                new Bad("unknown held-out name", t -> List.of("--images", goodImages(t), "--patch", 8, "--holdout",
                        "zebra.png"), List.of("zebra.png")),
                new Bad("every image smaller than P", t -> {
                    Path in = Files.createDirectories(t.resolve("tiny"));
                    TestImages.writeNoise(in.resolve("small.png"), 6, 6, 1);
                    return List.of("--images", in, "--patch", 8);
                }, List.of("tiny", "size 8")),
                new Bad("negative --max-patches", t -> List.of("--images", goodImages(t), "--patch", 8,
                        "--max-patches", -1), List.of("--max-patches", "-1")),
                new Bad("negative --flat-std", t -> List.of("--images", goodImages(t), "--patch", 8,
                        "--flat-std", -0.5), List.of("--flat-std", "-0.5")),
                new Bad("unknown --on-bad-image", t -> List.of("--images", goodImages(t), "--on-bad-image", "maybe"),
                        List.of("--on-bad-image", "maybe")),
                new Bad("every image held out", t -> List.of("--images", goodImages(t), "--patch", 8, "--holdout",
                        "good.png"), List.of("held out")),
                new Bad("no --images", t -> List.of("--patch", 8), List.of("--images")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputFailsWithOneLineAndNoOutput(Bad bad) throws IOException {
        List<Object> args = new ArrayList<>(bad.setup().prepare(tmp));
        Path out = tmp.resolve("set");
        args.addAll(List.of("--out", out));
        Map<String, String> before = snapshot(tmp);

        Cli.Result r = patchmem(prepend("data", args));

        assertNotEquals(0, r.code(), r.err());
        assertOneLineNaming(r.err(), bad.culprits());
        assertFalse(Files.exists(out), "--out stays absent");
        assertEquals(before, snapshot(tmp), "nothing else appears beside --out");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputLeavesThePreviousSetIntact(Bad bad) throws IOException {
        List<Object> args = new ArrayList<>(bad.setup().prepare(tmp));
        Path out = Files.createDirectories(tmp.resolve("set"));
        Files.writeString(out.resolve("dataset.json"), "{\"previous\": true}\n");
        Files.createDirectories(out.resolve("heldout"));
        Files.writeString(out.resolve("heldout/patches.csv"), "index,image,x,y,std,flat\n");
        args.addAll(List.of("--out", out));
        Map<String, String> before = snapshot(tmp);

        Cli.Result r = patchmem(prepend("data", args));

        assertNotEquals(0, r.code(), r.err());
        assertOneLineNaming(r.err(), bad.culprits());
        assertEquals(before, snapshot(tmp), "the previous set and its siblings are untouched");
    }

    @Test
    void outThatIsAFileIsRefusedAndKept() throws IOException {
        Path in = images();
        Path out = tmp.resolve("notes.txt");
        Files.writeString(out, "precious");
        Cli.Result r = patchmem("data", "--images", in, "--out", out, "--patch", 8);
        assertNotEquals(0, r.code());
        assertOneLineNaming(r.err(), List.of("notes.txt", "not a folder"));
        assertEquals("precious", Files.readString(out));
    }

    @Test
    void outThatHoldsTheImagesIsRefused() throws IOException {
        Path in = images();
        Map<String, String> before = snapshot(tmp);
        for (Path out : List.of(in, tmp)) {
            Cli.Result r = patchmem("data", "--images", in, "--out", out, "--patch", 8);
            assertNotEquals(0, r.code(), "--out " + out);
            assertOneLineNaming(r.err(), List.of(out + ": holds the image folder"));
            assertEquals(before, snapshot(tmp), "the images are still there");
        }
    }

    @Test
    void skipListsBadFilesInDatasetJson() throws IOException {
        Path in = images();
        TestImages.truncatedCopy(TestImages.NATURAL.resolve("rocket.jpg"), in.resolve("rocket.jpg"));
        Files.writeString(in.resolve("notes.png"), "shopping list\n");
        Path out = tmp.resolve("set");
        Cli.Result r = patchmem("data", "--images", in, "--out", out, "--patch", 8, "--on-bad-image", "skip");
        assertEquals(0, r.code(), r.err());

        DatasetInfo info = Json.read(out.resolve("dataset.json"), DatasetInfo.class);
        assertEquals(List.of("good.png"), info.images().stream().map(e -> e.name()).toList());
        assertEquals(List.of("notes.png", "rocket.jpg"), info.skipped().stream().map(s -> s.name()).toList());
        assertTrue(info.skipped().get(1).reason().contains("truncated"), info.skipped().get(1).reason());
        for (DatasetInfo.Skipped s : info.skipped()) {
            assertFalse(s.reason().isBlank());
            assertFalse(s.reason().contains(in.toString()), "the reason is without the path: " + s.reason());
        }
        assertEquals(((24 - 8) / 4 + 1) * ((20 - 8) / 4 + 1), info.count());
        assertTrue(r.out().contains("skipped rocket.jpg"), r.out());
        assertTrue(r.out().contains("skipped notes.png"), r.out());
    }

    @Test
    void imageSmallerThanThePatchIsListedWithItsReason() throws IOException {
        Path in = images();
        TestImages.writeNoise(in.resolve("thumb.png"), 20, 5, 2);
        Path out = tmp.resolve("set");
        Cli.Result r = patchmem("data", "--images", in, "--out", out, "--patch", 8);
        assertEquals(0, r.code(), r.err());
        DatasetInfo info = Json.read(out.resolve("dataset.json"), DatasetInfo.class);
        assertEquals(List.of("good.png"), info.images().stream().map(e -> e.name()).toList());
        assertEquals(1, info.skipped().size());
        assertEquals("thumb.png", info.skipped().get(0).name());
        assertTrue(info.skipped().get(0).reason().contains("smaller than the patch size 8"),
                info.skipped().get(0).reason());
    }

    @Test
    void successReplacesThePreviousSetAndWritesProvenance() throws IOException {
        Path in = images();
        TestImages.writeNoise(in.resolve("other.png"), 16, 16, 3);
        Path out = Files.createDirectories(tmp.resolve("set"));
        Files.writeString(out.resolve("stale.txt"), "from an older run");
        Cli.Result r = patchmem("data", "--images", in, "--out", out, "--patch", 8, "--holdout", "other.png");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().contains("patches/s"), r.out());

        try (Stream<Path> s = Files.list(out)) {
            assertEquals(List.of("dataset.json", "heldout", "hr.npy", "lr.npy", "patches.csv", "provenance.json"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of("images", "set"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        for (Path dir : List.of(out, out.resolve("heldout"))) {
            DatasetInfo info = Json.read(dir.resolve("dataset.json"), DatasetInfo.class);
            JsonNode prov = Json.MAPPER.readTree(dir.resolve("provenance.json").toFile());
            assertEquals(info.contentHash(), prov.get("datasetHash").asText(), dir.toString());
            assertTrue(prov.get("command").asText().startsWith("patchmem data"), prov.toString());
            assertEquals(info.count(), Npy.shape(dir.resolve("hr.npy"))[0]);
        }
        assertEquals(List.of("other.png"),
                Json.read(out.resolve("dataset.json"), DatasetInfo.class).holdout());
    }

    @Test
    void naturalImagesGiveTheGridCountPerImage() throws IOException {
        Path out = tmp.resolve("natural");
        int p = 32;
        int s = 48;
        Cli.Result r = patchmem("data", "--images", TestImages.NATURAL, "--out", out, "--patch", p, "--stride", s);
        assertEquals(0, r.code(), r.err());
        DatasetInfo info = Json.read(out.resolve("dataset.json"), DatasetInfo.class);
        assertEquals(9, info.images().size());
        assertEquals(List.of(), info.skipped());
        int total = 0;
        for (DatasetInfo.ImageEntry e : info.images()) {
            assertEquals(((e.width() - p) / s + 1) * ((e.height() - p) / s + 1), e.patches(), e.name());
            total += e.patches();
        }
        assertEquals(new DatasetInfo.ImageEntry("hubble_deep_field.jpg", 1000, 872, 21 * 18),
                info.images().stream().filter(e -> e.name().startsWith("hubble")).findFirst().orElseThrow());
        assertEquals(total, info.count());
        assertArrayEquals(new long[] {total, 3, p, p}, Npy.shape(out.resolve("hr.npy")));
        assertArrayEquals(new long[] {total, 3, p / 2, p / 2}, Npy.shape(out.resolve("lr.npy")));
    }

    @Test
    void helpExitsZero() {
        Cli.Result r = patchmem("data", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--on-bad-image"), r.out());
    }

    private static Object[] prepend(Object first, List<Object> rest) {
        List<Object> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all.toArray();
    }

    private static void assertOneLineNaming(String err, List<String> culprits) {
        String line = err.strip();
        assertFalse(line.isEmpty(), "an error message on stderr");
        assertEquals(-1, line.indexOf('\n'), "one line: " + err);
        assertTrue(line.startsWith("patchmem data"), line);
        assertFalse(line.contains(".tmp-"), "names no temporary folder: " + line);
        assertFalse(line.contains("Exception"), "no exception class names: " + line);
        for (String c : culprits) {
            assertTrue(line.contains(c), "expected '" + c + "' in: " + line);
        }
    }

    /** Every file and folder under {@code dir} with a digest of its bytes. */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                String key = dir.relativize(p).toString();
                m.put(key, Files.isDirectory(p) ? "dir" : dev.patchmem.io.Hashes.file(p));
            }
        }
        return m;
    }
}
