package dev.patchmem.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** NumPy {@code .npz} archives of named float32 arrays ({@code numpy.load(f)[name]}); stored, not compressed. */
public final class Npz {

    private Npz() {
    }

    /** Writes {@code arrays} (name to array, in map order) to {@code file}, atomically. */
    public static void write(Path file, Map<String, NpyArray> arrays) throws IOException {
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                Npy.writeTo(buf, e.getValue());
                byte[] bytes = buf.toByteArray();
                CRC32 crc = new CRC32();
                crc.update(bytes);
                ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(bytes.length);
                entry.setCompressedSize(bytes.length);
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                zip.write(bytes);
                zip.closeEntry();
            }
            zip.finish();
        });
    }

    /** Reads every array of {@code file}; a damaged archive is an error naming the file. */
    public static Map<String, NpyArray> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NpyFormatException(file, "missing");
        }
        Map<String, NpyArray> out = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                byte[] bytes = zip.readAllBytes();
                String name = e.getName().endsWith(".npy")
                        ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
                try {
                    out.put(name, Npy.read(bytes, Path.of(name)));
                } catch (NpyFormatException bad) {
                    throw new NpyFormatException(file, "entry " + bad.getMessage());
                }
            }
        } catch (ZipException | java.io.EOFException e) {
            throw new NpyFormatException(file, "is not a complete .npz archive (" + e.getMessage() + ")");
        }
        if (out.isEmpty()) {
            throw new NpyFormatException(file, "holds no arrays (truncated or not an .npz archive)");
        }
        return out;
    }
}
