package dev.patchmem;

import dev.patchmem.data.ImageLoader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.imgcodecs.Imgcodecs;

/** Real image files for tests, written with OpenCV, and facts read back from their headers. */
public final class TestImages {

    /** The nine real images the project ships. */
    public static final Path NATURAL = Path.of("datasets", "natural");

    /** Pixel value (0..255) of channel {@code c} (0 = R, 1 = G, 2 = B) at ({@code x}, {@code y}). */
    @FunctionalInterface
    public interface Pixels {
        int at(int x, int y, int c);
    }

    private TestImages() {
    }

    /** Writes an 8-bit RGB image through OpenCV (which stores BGR); the format follows the extension. */
    public static Path writeRgb(Path file, int width, int height, Pixels px) throws IOException {
        ImageLoader.init();
        byte[] bgr = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < 3; c++) {
                    bgr[(y * width + x) * 3 + (2 - c)] = (byte) px.at(x, y, c);
                }
            }
        }
        return write(file, width, height, CvType.CV_8UC3, bgr);
    }

    /** Writes a noisy RGB image with a seeded generator: textured everywhere. */
    public static Path writeNoise(Path file, int width, int height, long seed) throws IOException {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        int[] v = new int[width * height * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextInt(256);
        }
        return writeRgb(file, width, height, (x, y, c) -> v[(y * width + x) * 3 + c]);
    }

    /** Writes an 8-bit image of {@code type} (CV_8UC1, CV_8UC3 BGR, CV_8UC4 BGRA) from interleaved bytes. */
    public static Path write(Path file, int width, int height, int type, byte[] interleaved) throws IOException {
        ImageLoader.init();
        Mat m = new Mat(height, width, type);
        try {
            m.put(0, 0, interleaved);
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (!Imgcodecs.imwrite(file.toString(), m)) {
                throw new IOException("OpenCV could not write " + file);
            }
        } finally {
            m.release();
        }
        return file;
    }

    /** Bit depth and colour type from a PNG's IHDR chunk: {bitDepth, colourType}. */
    public static int[] pngHeader(Path png) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(png.toFile(), "r")) {
            byte[] sig = new byte[16];
            raf.readFully(sig);
            if ((sig[0] & 0xff) != 0x89 || sig[1] != 'P' || sig[12] != 'I' || sig[13] != 'H') {
                throw new IOException(png + " does not start with a PNG signature and IHDR");
            }
            raf.seek(24);
            return new int[] {raf.readUnsignedByte(), raf.readUnsignedByte()};
        }
    }

    /** Copies the first half of {@code file}'s bytes to {@code to}: a file cut short in transfer. */
    public static Path truncatedCopy(Path file, Path to) throws IOException {
        byte[] all = Files.readAllBytes(file);
        Files.write(to, java.util.Arrays.copyOf(all, all.length / 2));
        return to;
    }
}
