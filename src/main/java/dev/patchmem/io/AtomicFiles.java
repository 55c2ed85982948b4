package dev.patchmem.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Output that is complete or absent: every file and folder is written under a temporary name in
 * the same folder and renamed when complete, so a killed process or a full disk leaves no partial
 * result under the final name.
 */
public final class AtomicFiles {

    /** Writes the content of one file. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Fills a folder. */
    @FunctionalInterface
    public interface FolderWriter {
        void write(Path dir) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes {@code file} through {@code writer}: temporary sibling, atomic rename. An I/O failure
     * (a full disk, a read-only folder) is an error naming {@code file}.
     */
    public static void write(Path file, Writer writer) throws IOException {
        Path abs = file.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            throw new IOException(file + ": is a folder; the output needs a file name");
        }
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        Path tmp = parent.resolve("." + abs.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            try (OutputStream raw = Files.newOutputStream(tmp);
                 OutputStream out = new BufferedOutputStream(raw, 1 << 16)) {
                writer.write(out);
            }
            move(tmp, abs);
        } catch (IOException e) {
            deleteQuietly(tmp, e);
            throw named(abs, e);
        } catch (RuntimeException e) {
            deleteQuietly(tmp, e);
            throw e;
        }
    }

    // A failed cleanup (a read-only folder) must not hide the failure that caused it.
    private static void deleteQuietly(Path p, Exception cause) {
        try {
            deleteTree(p);
        } catch (IOException cleanup) {
            cause.addSuppressed(cleanup);
        }
    }

    /**
     * {@code e} as an error naming {@code file}: a full disk or a file-size limit surfaces from a stream
     * as a bare "No space left on device". Errors that name their path or have a type of their own
     * are returned as they are.
     */
    public static IOException named(Path file, IOException e) {
        if (e instanceof java.nio.file.FileSystemException || e.getClass() != IOException.class) {
            return e;   // already names its path, or carries its own meaning
        }
        return new IOException(file + ": cannot write (" + e.getMessage() + ")", e);
    }

    /** Writes {@code text} as UTF-8 to {@code file}, atomically. */
    public static void writeString(Path file, String text) throws IOException {
        write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Builds folder {@code dir} through {@code writer} in a temporary sibling and renames it into
     * place when the writer returns. An existing {@code dir} is replaced only after the new one is
     * complete; a file of that name is an error, never replaced.
     */
    public static void writeFolder(Path dir, FolderWriter writer) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new IOException(dir + ": exists and is not a folder; results need a folder of their own");
        }
        Files.createDirectories(abs.getParent());
        Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        deleteTree(tmp);
        Files.createDirectories(tmp);
        try {
            writer.write(tmp);
            if (Files.exists(abs)) {
                Path old = abs.resolveSibling("." + abs.getFileName() + ".old-" + ProcessHandle.current().pid());
                deleteTree(old);
                Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
                move(tmp, abs);
                deleteTree(old);
            } else {
                move(tmp, abs);
            }
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp, e);
            throw e;
        }
    }

    /** Removes leftovers of killed writers (names starting with '.' and containing ".tmp-") in {@code dir}. */
    public static void cleanStale(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(AtomicFiles::isTemporary).toList()) {
                deleteTree(p);
            }
        }
    }

    /** True for the temporary names this class uses. */
    public static boolean isTemporary(Path p) {
        String n = p.getFileName().toString();
        return n.startsWith(".") && (n.contains(".tmp-") || n.contains(".old-"));
    }

    /** Deletes a file or folder tree if it exists. */
    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
