package dev.patchmem.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchmem.TestImages;
import dev.patchmem.config.Json;
import dev.patchmem.io.Hashes;
import dev.patchmem.io.Npy;
import dev.patchmem.io.NpyArray;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatchSetBuilderTest {

    @TempDir
    Path tmp;

    private Path images() throws IOException {
        return Files.createDirectories(tmp.resolve("images"));
    }

    private static PatchParams params(int patch, int stride) {
        return new PatchParams(patch, stride, 0.04, 0, 0, false);
    }

    private static PatchSetBuilder.Result build(PatchParams p, Path images, Path out, String... holdout)
            throws IOException {
        return new PatchSetBuilder(p).build(images, out, new java.util.LinkedHashSet<>(List.of(holdout)));
    }

    /** patches.csv rows without the header, split on commas. */
    static List<String[]> csv(Path dir) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("patches.csv"));
        assertEquals("index,image,x,y,std,flat", lines.get(0));
        List<String[]> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            assertEquals(6, f.length, lines.get(i));
            assertEquals(i - 1, Integer.parseInt(f[0]), "index column");
            rows.add(f);
        }
        return rows;
    }

    @Test
    void hrIsTheImagePixelsAndLrTheirTwoByTwoAverage() throws IOException {
        // Expected values come from the PNG decoder of the Java runtime, independent of OpenCV.
        Path in = images();
        for (String n : List.of("chelsea.png", "camera.png")) {
            Files.copy(TestImages.NATURAL.resolve(n), in.resolve(n));
        }
        int p = 16;
        Path out = tmp.resolve("set");
        build(params(p, 24), in, out);

        NpyArray hr = Npy.read(out.resolve("hr.npy"));
        NpyArray lr = Npy.read(out.resolve("lr.npy"));
        List<String[]> rows = csv(out);
        assertArrayEquals(new long[] {rows.size(), 3, p, p}, hr.shape());
        assertArrayEquals(new long[] {rows.size(), 3, p / 2, p / 2}, lr.shape());
        Map<String, Raster> rasters = new HashMap<>();
        for (String n : List.of("chelsea.png", "camera.png")) {
            BufferedImage bi = ImageIO.read(in.resolve(n).toFile());
            assertEquals(8, bi.getColorModel().getComponentSize(0));
            rasters.put(n, bi.getRaster());
        }
        int h = p / 2;
        for (int i = 0; i < rows.size(); i++) {
            Raster r = rasters.get(rows.get(i)[1]);
            int x0 = Integer.parseInt(rows.get(i)[2]);
            int y0 = Integer.parseInt(rows.get(i)[3]);
            float[] hrRow = hr.row(i);
            float[] lrRow = lr.row(i);
            for (int c = 0; c < 3; c++) {
                int band = r.getNumBands() == 1 ? 0 : c;
                for (int y = 0; y < p; y++) {
                    for (int x = 0; x < p; x++) {
                        double want = r.getSample(x0 + x, y0 + y, band) / 127.5 - 1;
                        assertEquals(want, hrRow[(c * p + y) * p + x], 1e-6, "hr patch " + i);
                    }
                }
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < h; x++) {
                        int sum = 0;
                        for (int k = 0; k < 4; k++) {
                            sum += r.getSample(x0 + 2 * x + k % 2, y0 + 2 * y + k / 2, band);
                        }
                        double want = sum / 4.0 / 127.5 - 1;
                        assertEquals(want, lrRow[(c * h + y) * h + x], 1.0 / 255, "lr patch " + i);
                        assertEquals(want, lrRow[(c * h + y) * h + x], 1e-6, "lr patch " + i + " (exact mean)");
                    }
                }
            }
        }
    }

    @Test
    void patchCountEqualsTheGridFormulaPerImage() throws IOException {
        Path in = images();
        int[][] sizes = {{37, 23}, {8, 8}, {64, 17}, {16, 40}, {9, 100}};
        for (int i = 0; i < sizes.length; i++) {
            TestImages.writeNoise(in.resolve("img" + i + ".png"), sizes[i][0], sizes[i][1], i);
        }
        for (int[] ps : new int[][] {{8, 5}, {8, 8}, {8, 4}, {4, 3}, {6, 1}}) {
            int p = ps[0];
            int s = ps[1];
            Path out = tmp.resolve("set-" + p + "-" + s);
            DatasetInfo info = build(params(p, s), in, out).train();
            List<String[]> rows = csv(out);
            int total = 0;
            assertEquals(sizes.length, info.images().size());
            for (int i = 0; i < sizes.length; i++) {
                int w = sizes[i][0];
                int h = sizes[i][1];
                int want = ((w - p) / s + 1) * ((h - p) / s + 1);
                DatasetInfo.ImageEntry e = info.images().get(i);
                assertEquals("img" + i + ".png", e.name());
                assertEquals(w, e.width());
                assertEquals(h, e.height());
                assertEquals(want, e.patches(), e.name() + " P=" + p + " S=" + s);
                Set<String> at = new HashSet<>();
                for (String[] r : rows) {
                    if (r[1].equals(e.name())) {
                        int x = Integer.parseInt(r[2]);
                        int y = Integer.parseInt(r[3]);
                        assertTrue(x % s == 0 && y % s == 0 && x + p <= w && y + p <= h, String.join(",", r));
                        at.add(x + "," + y);
                    }
                }
                assertEquals(want, at.size(), "distinct crops of " + e.name());
                total += want;
            }
            assertEquals(total, info.count());
            assertEquals(total, rows.size());
            assertEquals(total, Npy.shape(out.resolve("hr.npy"))[0]);
            assertEquals(total, Npy.shape(out.resolve("lr.npy"))[0]);
        }
    }

    @Test
    void greyRgbaAndPaletteImagesGiveThreeChannelPatches() throws IOException {
        Path in = images();
        byte[] grey = new byte[8 * 8];
        java.util.Arrays.fill(grey, (byte) 200);
        TestImages.write(in.resolve("a-grey.png"), 8, 8, org.opencv.core.CvType.CV_8UC1, grey);
        byte[] bgra = new byte[8 * 8 * 4];
        for (int i = 0; i < 64; i++) {
            bgra[4 * i] = 10;
            bgra[4 * i + 1] = 20;
            bgra[4 * i + 2] = 30;
            bgra[4 * i + 3] = (byte) (i * 4);
        }
        TestImages.write(in.resolve("b-rgba.png"), 8, 8, org.opencv.core.CvType.CV_8UC4, bgra);
        java.awt.image.IndexColorModel cm = new java.awt.image.IndexColorModel(2, 2,
                new byte[] {(byte) 250, 5}, new byte[] {(byte) 240, 15}, new byte[] {(byte) 230, 25});
        BufferedImage bi = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_BINARY, cm);
        assertTrue(ImageIO.write(bi, "png", in.resolve("c-palette.png").toFile()));
        assertEquals(3, TestImages.pngHeader(in.resolve("c-palette.png"))[1], "palette PNG");

        Path out = tmp.resolve("set");
        build(params(8, 8), in, out);
        NpyArray hr = Npy.read(out.resolve("hr.npy"));
        assertArrayEquals(new long[] {3, 3, 8, 8}, hr.shape());
        int[][] rgb = {{200, 200, 200}, {30, 20, 10}, {250, 240, 230}};
        for (int i = 0; i < 3; i++) {
            float[] row = hr.row(i);
            for (int c = 0; c < 3; c++) {
                for (int k = 0; k < 64; k++) {
                    assertEquals(rgb[i][c] / 127.5 - 1, row[c * 64 + k], 1e-6, "image " + i + " channel " + c);
                }
            }
        }
    }

    @Test
    void heldOutImagesGoToHeldoutWithTheSameFiles() throws IOException {
        Path in = images();
        TestImages.writeNoise(in.resolve("a.png"), 24, 16, 1);
        TestImages.writeNoise(in.resolve("b.png"), 16, 32, 2);
        TestImages.writeNoise(in.resolve("c.png"), 40, 8, 3);
        Path out = tmp.resolve("set");
        PatchSetBuilder.Result r = build(params(8, 8), in, out, "b.png");

        Path held = out.resolve("heldout");
        for (String f : List.of("hr.npy", "lr.npy", "patches.csv", "dataset.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
            assertTrue(Files.isRegularFile(held.resolve(f)), "heldout/" + f);
        }
        assertEquals(List.of("b.png"), r.train().holdout());
        assertEquals(List.of("a.png", "c.png"), r.train().images().stream().map(e -> e.name()).toList());
        assertEquals(List.of("b.png"), r.heldout().images().stream().map(e -> e.name()).toList());
        assertTrue(csv(out).stream().noneMatch(row -> row[1].equals("b.png")));
        assertTrue(csv(held).stream().allMatch(row -> row[1].equals("b.png")));
        assertEquals(3 * 2 + 5, r.train().count());
        assertEquals(2 * 4, r.heldout().count());

        // The held-out set is exactly the set that image alone makes.
        Path onlyB = Files.createDirectories(tmp.resolve("only-b"));
        Files.copy(in.resolve("b.png"), onlyB.resolve("b.png"));
        build(params(8, 8), onlyB, tmp.resolve("b-set"));
        assertEquals(Npy.read(tmp.resolve("b-set/hr.npy")), Npy.read(held.resolve("hr.npy")));
        assertEquals(Npy.read(tmp.resolve("b-set/lr.npy")), Npy.read(held.resolve("lr.npy")));
        assertEquals(Files.readString(tmp.resolve("b-set/patches.csv")), Files.readString(held.resolve("patches.csv")));

        PatchSet train = PatchSet.load(out);
        PatchSet heldout = PatchSet.load(held);
        assertEquals(r.train(), train.info());
        assertEquals(r.heldout(), heldout.info());
        assertEquals(11, train.size());
        assertEquals(8, heldout.size());
    }

    @Test
    void maxPatchesKeepsADeterministicSubsetConsistentWithTheCsv() throws IOException {
        Path in = images();
        TestImages.writeNoise(in.resolve("a.png"), 40, 40, 1);
        TestImages.writeNoise(in.resolve("b.png"), 32, 24, 2);
        int p = 8;
        Path full = tmp.resolve("full");
        build(new PatchParams(p, 4, 0.04, 0, 0, false), in, full);
        NpyArray fullHr = Npy.read(full.resolve("hr.npy"));
        NpyArray fullLr = Npy.read(full.resolve("lr.npy"));
        Map<String, Integer> fullIndex = new HashMap<>();
        List<String[]> fullRows = csv(full);
        for (String[] r : fullRows) {
            fullIndex.put(r[1] + "," + r[2] + "," + r[3], Integer.parseInt(r[0]));
        }
        assertEquals(81 + 35, fullRows.size());

        int max = 30;
        Path s1 = tmp.resolve("s1");
        Path s1again = tmp.resolve("s1again");
        Path s2 = tmp.resolve("s2");
        DatasetInfo i1 = build(new PatchParams(p, 4, 0.04, max, 11, false), in, s1).train();
        DatasetInfo i1again = build(new PatchParams(p, 4, 0.04, max, 11, false), in, s1again).train();
        DatasetInfo i2 = build(new PatchParams(p, 4, 0.04, max, 12, false), in, s2).train();

        for (String f : List.of("hr.npy", "lr.npy", "patches.csv")) {
            assertArrayEquals(Files.readAllBytes(s1.resolve(f)), Files.readAllBytes(s1again.resolve(f)), f);
        }
        assertEquals(i1.contentHash(), i1again.contentHash());
        assertNotEquals(Files.readString(s1.resolve("patches.csv")), Files.readString(s2.resolve("patches.csv")));

        for (Path s : List.of(s1, s2)) {
            NpyArray hr = Npy.read(s.resolve("hr.npy"));
            NpyArray lr = Npy.read(s.resolve("lr.npy"));
            List<String[]> rows = csv(s);
            assertEquals(max, rows.size());
            assertEquals(max, hr.rows());
            assertEquals(max, lr.rows());
            int last = -1;
            for (int i = 0; i < max; i++) {
                String[] row = rows.get(i);
                int j = fullIndex.get(row[1] + "," + row[2] + "," + row[3]);
                assertTrue(j > last, "subset keeps the original order");
                last = j;
                assertArrayEquals(fullHr.row(j), hr.row(i), "hr row " + i + " is full row " + j);
                assertArrayEquals(fullLr.row(j), lr.row(i), "lr row " + i + " is full row " + j);
                assertEquals(String.join(",", java.util.Arrays.copyOfRange(fullRows.get(j), 1, 6)),
                        String.join(",", java.util.Arrays.copyOfRange(row, 1, 6)));
            }
            try (Stream<Path> files = Files.list(s)) {
                assertEquals(Set.of("hr.npy", "lr.npy", "patches.csv", "dataset.json"),
                        files.map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
            }
        }
        assertEquals(max, i1.count());
        assertEquals(max, i1.maxPatches());
        assertEquals(11, i1.seed());
        assertEquals(81, i1.images().get(0).patches(), "counts per image are before the subset");

        // Asking for at least N keeps every patch, in order.
        Path all = tmp.resolve("all");
        build(new PatchParams(p, 4, 0.04, 1000, 11, false), in, all);
        assertEquals(fullHr, Npy.read(all.resolve("hr.npy")));
        assertEquals(Files.readString(full.resolve("patches.csv")), Files.readString(all.resolve("patches.csv")));
    }

    @Test
    void flatTagsFollowTheThreshold() throws IOException {
        Path in = images();
        // 32 x 8: four 8 x 8 patches with growing contrast: constant, +-2, +-10, noise.
        int[] amp = {0, 2, 10, 127};
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        int[] noise = new int[32 * 8 * 3];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = rng.nextInt(256);
        }
        TestImages.writeRgb(in.resolve("ramp.png"), 32, 8, (x, y, c) -> {
            int k = x / 8;
            return k == 3 ? noise[(y * 32 + x) * 3 + c] : 128 + ((x + y) % 2 == 0 ? amp[k] : -amp[k]);
        });
        double[] thresholds = {0.0, 0.001, 0.04, 0.1, 2.0};
        for (double t : thresholds) {
            Path out = tmp.resolve("t" + t);
            DatasetInfo info = build(new PatchParams(8, 8, t, 0, 0, false), in, out).train();
            NpyArray hr = Npy.read(out.resolve("hr.npy"));
            List<String[]> rows = csv(out);
            assertEquals(4, rows.size());
            int flat = 0;
            for (int i = 0; i < 4; i++) {
                double std = independentStd(hr.row(i));
                assertEquals(std, Double.parseDouble(rows.get(i)[4]), 1e-6, "std column of patch " + i);
                boolean isFlat = rows.get(i)[5].equals("1");
                assertEquals(std < t, isFlat, "patch " + i + " std " + std + " threshold " + t);
                flat += isFlat ? 1 : 0;
            }
            assertEquals(flat, info.flatCount());
            assertEquals(t, info.flatStd());
            PatchSet set = PatchSet.load(out);
            assertEquals(flat, set.indices(true).length);
        }
        // the default 0.04 separates the constant and +-2 patches from the textured ones
        assertArrayEquals(new int[] {0, 1}, PatchSet.load(tmp.resolve("t0.04")).indices(true));
        assertArrayEquals(new int[] {}, PatchSet.load(tmp.resolve("t0.0")).indices(true));
        assertArrayEquals(new int[] {0, 1, 2, 3}, PatchSet.load(tmp.resolve("t2.0")).indices(true));
    }

    private static double independentStd(float[] v) {
        double s = 0;
        double ss = 0;
        for (float x : v) {
            s += x;
            ss += (double) x * x;
        }
        double mean = s / v.length;
        return Math.sqrt(Math.max(0, ss / v.length - mean * mean));
    }

    @Test
    void imageSmallerThanThePatchGivesNoPatchesAndIsListed() throws IOException {
        Path in = images();
        TestImages.writeNoise(in.resolve("big.png"), 16, 16, 1);
        TestImages.writeNoise(in.resolve("narrow.png"), 7, 40, 2);
        TestImages.writeNoise(in.resolve("exact.png"), 8, 8, 3);
        DatasetInfo info = build(params(8, 4), in, tmp.resolve("set")).train();
        assertEquals(List.of("big.png", "exact.png"), info.images().stream().map(e -> e.name()).toList());
        assertEquals(1, info.images().get(1).patches());
        assertEquals(1, info.skipped().size());
        assertEquals("narrow.png", info.skipped().get(0).name());
        assertTrue(info.skipped().get(0).reason().contains("smaller"), info.skipped().get(0).reason());
        assertTrue(info.skipped().get(0).reason().contains("7x40"), info.skipped().get(0).reason());
        assertEquals(9 + 1, info.count());
        DatasetInfo onDisk = Json.read(tmp.resolve("set/dataset.json"), DatasetInfo.class);
        assertEquals(info, onDisk);
    }

    @Test
    void contentHashIsSha256OfHrThenLr() throws IOException {
        Path in = images();
        TestImages.writeNoise(in.resolve("a.png"), 16, 16, 1);
        Path out = tmp.resolve("set");
        DatasetInfo info = build(params(8, 4), in, out).train();
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.write(Files.readAllBytes(out.resolve("hr.npy")));
        both.write(Files.readAllBytes(out.resolve("lr.npy")));
        assertEquals(Hashes.hex(Hashes.sha256().digest(both.toByteArray())), info.contentHash());
        assertEquals(64, info.contentHash().length());

        TestImages.writeNoise(in.resolve("a.png"), 16, 16, 2);
        assertNotEquals(info.contentHash(), build(params(8, 4), in, tmp.resolve("set2")).train().contentHash());
    }

    @Test
    void noHeldoutFolderWithoutHoldout() throws IOException {
        Path in = images();
        TestImages.writeNoise(in.resolve("a.png"), 16, 16, 1);
        PatchSetBuilder.Result r = build(params(8, 8), in, tmp.resolve("set"));
        assertNull(r.heldout());
        assertFalse(Files.exists(tmp.resolve("set/heldout")));
    }
}
