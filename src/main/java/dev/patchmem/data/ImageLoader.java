package dev.patchmem.data;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.opencv.core.Mat;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Reads images through OpenCV as RGB in [-1, 1]. {@code IMREAD_COLOR} gives 8-bit, 3-channel pixels
 * whatever the file holds: grey is replicated, alpha dropped, palettes expanded, 16-bit scaled to
 * 8-bit, and the JPEG EXIF orientation applied.
 */
public final class ImageLoader {

    /** File extensions read as images (lower case). */
    public static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg", "bmp", "tif", "tiff", "webp");

    private static volatile boolean loaded;

    private ImageLoader() {
    }

    /** Loads the OpenCV native library once per process. */
    public static void init() {
        if (!loaded) {
            synchronized (ImageLoader.class) {
                if (!loaded) {
                    nu.pattern.OpenCV.loadLocally();
                    loaded = true;
                }
            }
        }
    }

    /** True when {@code file}'s extension names an image format patchmem reads. */
    public static boolean isImage(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1));
    }

    /**
     * Reads {@code file}; an unreadable, truncated or undecodable file is a {@link BadImageException}
     * whose message says why.
     */
    public static Image read(Path file) throws IOException {
        init();
        if (!Files.isReadable(file)) {
            throw new BadImageException(file, "cannot be read");
        }
        checkComplete(file);
        Mat bgr = Imgcodecs.imread(file.toString(), Imgcodecs.IMREAD_COLOR);
        try {
            if (bgr.empty()) {
                throw new BadImageException(file, "is not an image OpenCV can decode");
            }
            return toImage(file.getFileName().toString(), bgr);
        } finally {
            bgr.release();
        }
    }

    // v / 127.5 - 1 in Java rather than OpenCV's convertTo: its float multiply-add maps 255 to
    // 1.0000001, outside the [-1, 1] that the patch-set contract promises.
    private static Image toImage(String name, Mat bgr) {
        int w = bgr.cols();
        int h = bgr.rows();
        int plane = w * h;
        byte[] interleaved = new byte[3 * plane];
        bgr.get(0, 0, interleaved);
        float[] pixels = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            int from = 2 - c; // OpenCV stores B, G, R
            for (int i = 0; i < plane; i++) {
                pixels[c * plane + i] = (interleaved[3 * i + from] & 0xff) / 127.5f - 1f;
            }
        }
        return new Image(name, w, h, pixels);
    }

    // Decoders fill in grey for a file cut short, so check the end markers of the common formats.
    private static void checkComplete(Path file) throws IOException {
        long size = Files.size(file);
        if (size == 0) {
            throw new BadImageException(file, "is empty");
        }
        byte[] head = new byte[(int) Math.min(8, size)];
        byte[] tail = new byte[(int) Math.min(64, size)];
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            raf.readFully(head);
            raf.seek(size - tail.length);
            raf.readFully(tail);
        }
        boolean jpeg = head.length >= 3 && (head[0] & 0xff) == 0xFF && (head[1] & 0xff) == 0xD8
                && (head[2] & 0xff) == 0xFF;
        boolean png = head.length == 8 && (head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N'
                && head[3] == 'G';
        if (jpeg && !containsJpegEnd(tail)) {
            throw new BadImageException(file, "is a truncated JPEG (no end-of-image marker)");
        }
        if (png && !new String(tail, java.nio.charset.StandardCharsets.ISO_8859_1).contains("IEND")) {
            throw new BadImageException(file, "is a truncated PNG (no IEND chunk)");
        }
    }

    private static boolean containsJpegEnd(byte[] tail) {
        for (int i = tail.length - 2; i >= 0; i--) {
            if ((tail[i] & 0xff) == 0xFF && (tail[i + 1] & 0xff) == 0xD9) {
                return true;
            }
        }
        return false;
    }
}
