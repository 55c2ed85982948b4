package dev.patchmem.io;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files (format version 1.0): float32, little-endian, C order.
 * Files are written atomically, so a reader never sees a half-written array.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** Writes {@code array} to {@code file} (atomically: temporary name, then rename). */
    public static void write(Path file, NpyArray array) throws IOException {
        AtomicFiles.write(file, out -> writeTo(out, array));
    }

    /** Writes {@code data} with {@code shape} to {@code file}. */
    public static void write(Path file, float[] data, long... shape) throws IOException {
        write(file, new NpyArray(shape, data));
    }

    /** Streams the header and data of {@code array} to {@code out}. */
    public static void writeTo(OutputStream out, NpyArray array) throws IOException {
        out.write(header(array.shape()));
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        float[] data = array.data();
        for (float v : data) {
            if (!buf.hasRemaining()) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            buf.putFloat(v);
        }
        out.write(buf.array(), 0, buf.position());
    }

    /** The complete header (magic, version, length, dict, padding) for a float32 array of {@code shape}. */
    public static byte[] header(long[] shape) {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String shapeText = shape.length == 1 ? dims.toString().trim() : dims.length() == 0
                ? "" : dims.substring(0, dims.length() - 2);
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shapeText + "), }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String text = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length());
        b.put(text.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    /** Reads a float32 {@code .npy} file; any other content is an {@link NpyFormatException} naming the file. */
    public static NpyArray read(Path file) throws IOException {
        return read(file, null);
    }

    /**
     * As {@link #read(Path)}, also feeding every byte of the file to {@code digest} (may be null), so a
     * caller can check a content hash without reading the file twice.
     */
    public static NpyArray read(Path file, MessageDigest digest) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NpyFormatException(file, "missing");
        }
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = digest == null ? raw : new DigestInputStream(raw, digest)) {
            return read(in, Files.size(file), file);
        }
    }

    /** Parses the {@code size} bytes of a .npy image; errors name {@code name}. */
    public static NpyArray read(byte[] bytes, Path name) throws IOException {
        return read(new java.io.ByteArrayInputStream(bytes), bytes.length, name);
    }

    private static NpyArray read(InputStream raw, long size, Path file) throws IOException {
        try {
            DataInputStream din = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16));
            Header header = readHeader(file, din);
            long[] shape = header.shape();
            long count = 1;
            for (long d : shape) {
                count = Math.multiplyExact(count, d);
            }
            long expected = header.length() + 4 * count;
            if (size != expected) {
                throw new NpyFormatException(file, "holds " + size + " bytes, header " + Arrays.toString(shape)
                        + " needs " + expected + " (truncated or corrupt)");
            }
            if (count > Integer.MAX_VALUE - 8) {
                throw new NpyFormatException(file, "too large for one array: " + Arrays.toString(shape));
            }
            float[] data = new float[(int) count];
            byte[] chunk = new byte[1 << 16];
            ByteBuffer view = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
            int filled = 0;
            while (filled < data.length) {
                int want = Math.min(chunk.length, (data.length - filled) * 4);
                din.readFully(chunk, 0, want);
                view.clear();
                view.asFloatBuffer().get(data, filled, want / 4);
                filled += want / 4;
            }
            return new NpyArray(shape, data);
        } catch (EOFException e) {
            throw new NpyFormatException(file, "ends early (truncated)");
        }
    }

    /** Reads only the shape from the header of {@code file}. */
    public static long[] shape(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NpyFormatException(file, "missing");
        }
        try (DataInputStream din = new DataInputStream(Files.newInputStream(file))) {
            return readHeader(file, din).shape();
        } catch (EOFException e) {
            throw new NpyFormatException(file, "ends early (truncated)");
        }
    }

    /** A parsed header: the array's shape and the header's length in bytes, data starts right after. */
    private record Header(long[] shape, int length) {
    }

    private static Header readHeader(Path file, DataInputStream in) throws IOException {
        byte[] magic = new byte[6];
        in.readFully(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new NpyFormatException(file, "is not a .npy file (bad magic)");
        }
        int major = in.readUnsignedByte();
        in.readUnsignedByte();
        int len;
        int prefix;
        if (major == 1) {
            len = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
            prefix = 10;
        } else if (major == 2 || major == 3) {
            len = Integer.reverseBytes(in.readInt());
            prefix = 12;
        } else {
            throw new NpyFormatException(file, "has unsupported .npy version " + major);
        }
        if (len < 0 || len > 1 << 20) {
            throw new NpyFormatException(file, "has an implausible header length " + len);
        }
        byte[] text = new byte[len];
        in.readFully(text);
        String dict = new String(text, StandardCharsets.ISO_8859_1);
        String descr = group(file, DESCR, dict, "descr");
        if (!descr.equals("<f4")) {
            throw new NpyFormatException(file, "has dtype " + descr + "; patchmem needs float32 '<f4'");
        }
        if (group(file, ORDER, dict, "fortran_order").equals("True")) {
            throw new NpyFormatException(file, "is in Fortran order; patchmem needs C order");
        }
        String dims = group(file, SHAPE, dict, "shape").trim();
        long[] shape = dims.isEmpty() ? new long[0] : Arrays.stream(dims.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).mapToLong(s -> parseDim(file, s)).toArray();
        for (long d : shape) {
            if (d < 0) {
                throw new NpyFormatException(file, "has a bad shape " + dims);
            }
        }
        return new Header(shape, prefix + len);
    }

    // -1 marks an entry that is not a non-negative integer; the caller reports it.
    private static long parseDim(Path file, String s) {
        try {
            long d = Long.parseLong(s.endsWith("L") ? s.substring(0, s.length() - 1) : s);
            return d < 0 ? -1 : d;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String group(Path file, Pattern p, String dict, String key) throws NpyFormatException {
        Matcher m = p.matcher(dict);
        if (!m.find()) {
            throw new NpyFormatException(file, "has no '" + key + "' in its header");
        }
        return m.group(1);
    }
}
