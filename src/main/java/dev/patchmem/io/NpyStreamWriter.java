package dev.patchmem.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a float32 {@code .npy} file row by row when the number of rows is not known in advance:
 * a fixed 128-byte header slot is reserved and filled in by {@link #finish()}. The file appears
 * under its final name only when finished.
 */
public final class NpyStreamWriter implements AutoCloseable {

    private static final int HEADER = 128;

    private final Path file;
    private final Path tmp;
    private final long[] rowShape;
    private final int rowSize;
    private final OutputStream out;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long rows;
    private boolean finished;

    /** Starts {@code file} whose rows have shape {@code rowShape}. */
    public NpyStreamWriter(Path file, long... rowShape) throws IOException {
        this.file = file.toAbsolutePath();
        this.rowShape = rowShape.clone();
        long n = 1;
        for (long d : rowShape) {
            n *= d;
        }
        this.rowSize = Math.toIntExact(n);
        Files.createDirectories(this.file.getParent());
        this.tmp = this.file.resolveSibling("." + this.file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        this.out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
        out.write(new byte[HEADER]);
    }

    /** Appends one row of {@code rowSize} values. */
    public void append(float[] row) throws IOException {
        append(row, 0);
    }

    /** Appends the row that starts at {@code offset} in {@code values}. */
    public void append(float[] values, int offset) throws IOException {
        if (values.length - offset < rowSize) {
            throw new IllegalArgumentException("row needs " + rowSize + " values, got " + (values.length - offset));
        }
        for (int i = 0; i < rowSize; i++) {
            if (!buf.hasRemaining()) {
                flushBuffer();
            }
            buf.putFloat(values[offset + i]);
        }
        rows++;
    }

    /** Rows appended so far. */
    public long rows() {
        return rows;
    }

    /** Writes the header and moves the file to its final name. */
    public void finish() throws IOException {
        flushBuffer();
        try {
            out.close();
        } catch (IOException e) {
            throw AtomicFiles.named(file, e);
        }
        long[] shape = new long[rowShape.length + 1];
        shape[0] = rows;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        byte[] header = fixedHeader(shape);
        try (RandomAccessFile raf = new RandomAccessFile(tmp.toFile(), "rw")) {
            raf.write(header);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        finished = true;
    }

    @Override
    public void close() throws IOException {
        if (!finished) {
            out.close();
            Files.deleteIfExists(tmp);
        }
    }

    private void flushBuffer() throws IOException {
        try {
            out.write(buf.array(), 0, buf.position());
        } catch (IOException e) {
            throw AtomicFiles.named(file, e);
        }
        buf.clear();
    }

    // The standard header re-padded with spaces to exactly HEADER bytes.
    private static byte[] fixedHeader(long[] shape) {
        byte[] h = Npy.header(shape);
        if (h.length > HEADER) {
            throw new IllegalStateException("header longer than " + HEADER + " bytes for shape "
                    + java.util.Arrays.toString(shape));
        }
        byte[] fixed = new byte[HEADER];
        System.arraycopy(h, 0, fixed, 0, 10);
        int textLen = HEADER - 10;
        fixed[8] = (byte) (textLen & 0xff);
        fixed[9] = (byte) (textLen >> 8);
        int dictEnd = 10;
        while (h[dictEnd] != '}') {
            dictEnd++;
        }
        System.arraycopy(h, 10, fixed, 10, dictEnd - 10 + 1);
        for (int i = dictEnd + 1; i < HEADER - 1; i++) {
            fixed[i] = ' ';
        }
        fixed[HEADER - 1] = '\n';
        return fixed;
    }
}
