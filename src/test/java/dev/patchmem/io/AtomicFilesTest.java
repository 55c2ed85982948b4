package dev.patchmem.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path tmp;

    @Test
    void folderAppearsComplete() throws IOException {
        Path dir = tmp.resolve("set");
        AtomicFiles.writeFolder(dir, d -> {
            Files.writeString(d.resolve("a.txt"), "a");
            Files.createDirectories(d.resolve("sub"));
            Files.writeString(d.resolve("sub/b.txt"), "b");
        });
        assertEquals(Map.of("a.txt", "a", "sub/b.txt", "b"), contents(dir));
        assertEquals(List.of(dir), list(tmp));
    }

    @Test
    void failingWriterLeavesNoFolderAndNoTemporary() {
        Path dir = tmp.resolve("set");
        IOException boom = new IOException("disk full");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeFolder(dir, d -> {
            Files.writeString(d.resolve("a.txt"), "partial");
            throw boom;
        }));
        assertSame(boom, e);
        assertFalse(Files.exists(dir));
        assertEquals(List.of(), list(tmp));
    }

    @Test
    void failingWriterLeavesTheExistingFolderIntact() throws IOException {
        Path dir = tmp.resolve("set");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("old.txt"), "old");
        Files.writeString(dir.resolve("sub/deep.txt"), "deep");
        Map<String, String> before = contents(dir);
        assertThrows(IllegalStateException.class, () -> AtomicFiles.writeFolder(dir, d -> {
            Files.writeString(d.resolve("old.txt"), "new");
            throw new IllegalStateException("bug in the writer");
        }));
        assertEquals(before, contents(dir));
        assertEquals(List.of(dir), list(tmp));
    }

    @Test
    void successReplacesTheExistingFolderWhole() throws IOException {
        Path dir = tmp.resolve("set");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("stale.txt"), "stale");
        AtomicFiles.writeFolder(dir, d -> Files.writeString(d.resolve("fresh.txt"), "fresh"));
        assertEquals(Map.of("fresh.txt", "fresh"), contents(dir));
        assertEquals(List.of(dir), list(tmp));
    }

    @Test
    void failingFileWriterKeepsTheOldFileAndLeavesNoTemporary() throws IOException {
        Path f = tmp.resolve("x.json");
        AtomicFiles.writeString(f, "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("half".getBytes());
            throw new IOException("killed");
        }));
        assertEquals("old", Files.readString(f));
        assertEquals(List.of(f), list(tmp));
        AtomicFiles.writeString(f, "new");
        assertEquals("new", Files.readString(f));
    }

    @Test
    void aFileWhereTheFolderGoesIsAnErrorAndStays() throws IOException {
        Path f = tmp.resolve("out");
        Files.writeString(f, "user data");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeFolder(f, dir ->
                Files.writeString(dir.resolve("a.txt"), "a")));
        assertTrue(e.getMessage().contains(f + ": exists and is not a folder"), e.getMessage());
        assertEquals("user data", Files.readString(f));
        assertEquals(List.of(f), list(tmp));
    }

    @Test
    void aFolderWhereTheFileGoesIsAnErrorAndStays() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("out.npy"));
        Files.writeString(d.resolve("keep.txt"), "k");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(d, "x"));
        assertTrue(e.getMessage().contains(d + ": is a folder"), e.getMessage());
        assertEquals(Map.of("keep.txt", "k"), contents(d));
    }

    @Test
    void aBareWriteErrorNamesTheFile() {
        Path f = tmp.resolve("x.npz");
        // What a full disk looks like from an output stream: no path in the message.
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            throw new IOException("No space left on device");
        }));
        assertEquals(f.toAbsolutePath() + ": cannot write (No space left on device)", e.getMessage());
        assertEquals(List.of(), list(tmp));
    }

    @Test
    void cleanStaleRemovesOnlyTemporaries() throws IOException {
        Files.createDirectories(tmp.resolve(".set.tmp-123/sub"));
        Files.writeString(tmp.resolve(".x.npy.tmp-9"), "");
        Files.createDirectories(tmp.resolve(".set.old-7"));
        Files.writeString(tmp.resolve("keep.txt"), "k");
        Files.writeString(tmp.resolve(".hidden"), "h");
        AtomicFiles.cleanStale(tmp);
        assertEquals(List.of(tmp.resolve(".hidden"), tmp.resolve("keep.txt")), list(tmp));
    }

    static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Map<String, String> contents(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(p).toString(), Files.readString(p));
            }
        }
        return m;
    }
}
