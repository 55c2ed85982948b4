package dev.patchmem.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchmem.TestImages;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.imgcodecs.Imgcodecs;

class ImageLoaderTest {

    private static final float EPS = 1e-6f;

    @TempDir
    Path tmp;

    private static float unit(int v) {
        return v / 127.5f - 1;
    }

    private static void assertPixel(Image img, int x, int y, int r, int g, int b) {
        String where = img.name() + " at (" + x + ", " + y + ")";
        assertEquals(unit(r), img.at(0, x, y), EPS, where + " R");
        assertEquals(unit(g), img.at(1, x, y), EPS, where + " G");
        assertEquals(unit(b), img.at(2, x, y), EPS, where + " B");
    }

    @Test
    void rgbComesOutInRgbOrderScaledToUnitRange() throws IOException {
        Path f = TestImages.writeRgb(tmp.resolve("rgb.png"), 5, 3, (x, y, c) -> c == 0 ? 255 : c == 1 ? x * 50 : y);
        Image img = ImageLoader.read(f);
        assertEquals("rgb.png", img.name());
        assertEquals(5, img.width());
        assertEquals(3, img.height());
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                assertPixel(img, x, y, 255, x * 50, y);
            }
        }
        assertEquals(1.0f, img.at(0, 0, 0), "255 maps to exactly 1");
        assertEquals(-1.0f, img.at(1, 0, 0), "0 maps to exactly -1");
    }

    @Test
    void greyBecomesThreeEqualChannels() throws IOException {
        int w = 7;
        int h = 4;
        byte[] grey = new byte[w * h];
        for (int i = 0; i < grey.length; i++) {
            grey[i] = (byte) (i * 37 % 256);
        }
        Path f = TestImages.write(tmp.resolve("grey.png"), w, h, CvType.CV_8UC1, grey);
        assertEquals(0, TestImages.pngHeader(f)[1], "PNG colour type 0 (grey)");
        Image img = ImageLoader.read(f);
        assertEquals(3L * w * h, img.pixels().length);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = grey[y * w + x] & 0xff;
                assertPixel(img, x, y, v, v, v);
            }
        }
    }

    @Test
    void alphaIsDroppedAndColoursKept() throws IOException {
        int w = 4;
        int h = 2;
        byte[] bgra = new byte[w * h * 4];
        int[][] rgba = {{255, 0, 0, 255}, {0, 255, 0, 0}, {0, 0, 255, 128}, {10, 20, 30, 1},
            {200, 100, 50, 255}, {1, 2, 3, 0}, {90, 80, 70, 60}, {255, 255, 255, 0}};
        for (int i = 0; i < rgba.length; i++) {
            bgra[4 * i] = (byte) rgba[i][2];
            bgra[4 * i + 1] = (byte) rgba[i][1];
            bgra[4 * i + 2] = (byte) rgba[i][0];
            bgra[4 * i + 3] = (byte) rgba[i][3];
        }
        Path f = TestImages.write(tmp.resolve("rgba.png"), w, h, CvType.CV_8UC4, bgra);
        assertEquals(6, TestImages.pngHeader(f)[1], "PNG colour type 6 (RGBA)");
        Image img = ImageLoader.read(f);
        for (int i = 0; i < rgba.length; i++) {
            assertPixel(img, i % w, i / w, rgba[i][0], rgba[i][1], rgba[i][2]);
        }
    }

    @Test
    void paletteIsExpanded() throws IOException {
        byte[] r = {(byte) 255, 0, 0, (byte) 128, 17};
        byte[] g = {0, (byte) 255, 0, (byte) 128, 34};
        byte[] b = {0, 0, (byte) 255, (byte) 128, 51};
        byte[] a = {(byte) 255, (byte) 255, (byte) 255, (byte) 255, 0};
        IndexColorModel cm = new IndexColorModel(8, 5, r, g, b, a);
        int w = 6;
        int h = 3;
        BufferedImage bi = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, cm);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                bi.getRaster().setSample(x, y, 0, (x + 2 * y) % 5);
            }
        }
        Path f = tmp.resolve("palette.png");
        assertTrue(ImageIO.write(bi, "png", f.toFile()));
        assertEquals(3, TestImages.pngHeader(f)[1], "PNG colour type 3 (palette)");
        Image img = ImageLoader.read(f);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int k = (x + 2 * y) % 5;
                assertPixel(img, x, y, r[k] & 0xff, g[k] & 0xff, b[k] & 0xff);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void sixteenBitIsScaledToEight(int channels) throws IOException {
        int w = 16;
        int h = 3;
        short[] v = new short[w * h * channels];
        for (int i = 0; i < v.length; i++) {
            v[i] = (short) (257 * ((i * 53) % 256)); // 257 k is k in 8 bits, by either shift or rounding
        }
        v[0] = (short) 65535;
        v[1] = 0;
        ImageLoader.init();
        Mat m = new Mat(h, w, channels == 1 ? CvType.CV_16UC1 : CvType.CV_16UC3);
        m.put(0, 0, v);
        Path f = tmp.resolve("deep" + channels + ".png");
        assertTrue(Imgcodecs.imwrite(f.toString(), m));
        m.release();
        assertEquals(16, TestImages.pngHeader(f)[0], "PNG bit depth 16");
        Image img = ImageLoader.read(f);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * channels;
                if (channels == 1) {
                    int k = (v[i] & 0xffff) / 257;
                    assertPixel(img, x, y, k, k, k);
                } else {
                    // OpenCV stores BGR
                    assertPixel(img, x, y, (v[i + 2] & 0xffff) / 257, (v[i + 1] & 0xffff) / 257,
                            (v[i] & 0xffff) / 257);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bmp", "tif", "tiff"})
    void losslessFormatsReadExactly(String ext) throws IOException {
        Path f = TestImages.writeRgb(tmp.resolve("img." + ext), 9, 5, (x, y, c) -> (x * 29 + y * 7 + c * 80) % 256);
        Image img = ImageLoader.read(f);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 9; x++) {
                assertPixel(img, x, y, (x * 29 + y * 7) % 256, (x * 29 + y * 7 + 80) % 256, (x * 29 + y * 7 + 160) % 256);
            }
        }
    }

    @Test
    void jpegExifOrientationIsApplied() throws IOException {
        // 16 wide, 8 high: left half white, right half black.
        Path plain = TestImages.writeRgb(tmp.resolve("plain.jpg"), 16, 8, (x, y, c) -> x < 8 ? 255 : 0);
        byte[] jpeg = Files.readAllBytes(plain);
        Image upright = ImageLoader.read(plain);
        assertEquals(16, upright.width());
        assertEquals(8, upright.height());

        // APP1 Exif with one IFD0 entry: Orientation (0x0112) = 6, "rotate 90 degrees clockwise to display".
        byte[] app1 = {(byte) 0xFF, (byte) 0xE1, 0, 34, 'E', 'x', 'i', 'f', 0, 0,
            'I', 'I', 42, 0, 8, 0, 0, 0,
            1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0,
            0, 0, 0, 0};
        ByteArrayOutputStream rotated = new ByteArrayOutputStream();
        rotated.write(jpeg, 0, 2);
        rotated.write(app1);
        rotated.write(jpeg, 2, jpeg.length - 2);
        Path f = tmp.resolve("rotated.jpg");
        Files.write(f, rotated.toByteArray());

        Image img = ImageLoader.read(f);
        assertEquals(8, img.width());
        assertEquals(16, img.height());
        for (int c = 0; c < 3; c++) {
            assertTrue(img.at(c, 4, 2) > 0.8f, "the left (white) half is now on top");
            assertTrue(img.at(c, 4, 13) < -0.8f, "the right (black) half is now below");
        }
    }

    @Test
    void realImagesStayWithinUnitRange() throws IOException {
        for (String name : new String[] {"chelsea.png", "camera.png", "rocket.jpg"}) {
            Image img = ImageLoader.read(TestImages.NATURAL.resolve(name));
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (float v : img.pixels()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertTrue(min >= -1f && max <= 1f, name + " spans [" + min + ", " + max + "]");
            assertTrue(max - min > 1f, name + " has real contrast");
        }
    }

    @Test
    void truncatedJpegIsABadImageNamingTheFile() throws IOException {
        Path f = TestImages.truncatedCopy(TestImages.NATURAL.resolve("rocket.jpg"), tmp.resolve("rocket.jpg"));
        BadImageException e = assertThrows(BadImageException.class, () -> ImageLoader.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.reason().contains("truncated"), e.reason());
        assertFalse(e.reason().contains(f.toString()), "reason leaves the name out: " + e.reason());
    }

    @Test
    void truncatedPngIsABadImageNamingTheFile() throws IOException {
        Path f = TestImages.truncatedCopy(TestImages.NATURAL.resolve("camera.png"), tmp.resolve("camera.png"));
        BadImageException e = assertThrows(BadImageException.class, () -> ImageLoader.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void textFileNamedPngIsABadImageNamingTheFile() throws IOException {
        Path f = tmp.resolve("notes.png");
        Files.writeString(f, "not an image at all\n");
        BadImageException e = assertThrows(BadImageException.class, () -> ImageLoader.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void emptyFileIsABadImageNamingTheFile() throws IOException {
        Path f = tmp.resolve("empty.jpg");
        Files.write(f, new byte[0]);
        BadImageException e = assertThrows(BadImageException.class, () -> ImageLoader.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void extensionsDecideWhatIsAnImage() {
        for (String n : new String[] {"a.png", "b.JPG", "c.jpeg", "d.bmp", "e.tif", "f.TIFF", "g.webp"}) {
            assertTrue(ImageLoader.isImage(Path.of(n)), n);
        }
        for (String n : new String[] {"SOURCES.md", "png", ".png", "a.png.txt", "a.gif"}) {
            assertFalse(ImageLoader.isImage(Path.of(n)), n);
        }
    }

    @Test
    void greyRealImageHasEqualChannels() throws IOException {
        Image img = ImageLoader.read(TestImages.NATURAL.resolve("camera.png"));
        int plane = img.width() * img.height();
        assertArrayEquals(java.util.Arrays.copyOfRange(img.pixels(), 0, plane),
                java.util.Arrays.copyOfRange(img.pixels(), plane, 2 * plane));
        assertArrayEquals(java.util.Arrays.copyOfRange(img.pixels(), 0, plane),
                java.util.Arrays.copyOfRange(img.pixels(), 2 * plane, 3 * plane));
    }
}
