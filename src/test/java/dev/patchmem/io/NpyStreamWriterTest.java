package dev.patchmem.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyStreamWriterTest {

    @TempDir
    Path tmp;

    @Test
    void rowsAppendedOneByOneReadBackAsOneArray() throws IOException {
        Path f = tmp.resolve("rows.npy");
        int rows = 1000;
        int rowSize = 3 * 4 * 4;
        float[] all = new float[rows * rowSize];
        for (int i = 0; i < all.length; i++) {
            all[i] = i * 0.5f - 7;
        }
        try (NpyStreamWriter w = new NpyStreamWriter(f, 3, 4, 4)) {
            for (int r = 0; r < rows; r++) {
                if (r % 2 == 0) {
                    w.append(java.util.Arrays.copyOfRange(all, r * rowSize, (r + 1) * rowSize));
                } else {
                    w.append(all, r * rowSize);
                }
            }
            assertEquals(rows, w.rows());
            assertFalse(Files.exists(f), "final name appears only when finished");
            w.finish();
        }
        NpyArray a = Npy.read(f);
        assertArrayEquals(new long[] {rows, 3, 4, 4}, a.shape());
        assertArrayEquals(all, a.data());
        assertOnlyFiles(f);
    }

    @Test
    void headerIsAValidSixtyFourAlignedNpyHeader() throws IOException {
        Path f = tmp.resolve("h.npy");
        try (NpyStreamWriter w = new NpyStreamWriter(f, 2)) {
            w.append(new float[] {1, 2});
            w.finish();
        }
        byte[] all = Files.readAllBytes(f);
        int len = (all[8] & 0xff) | (all[9] & 0xff) << 8;
        assertEquals(0, (10 + len) % 64);
        String text = new String(all, 10, len, StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }"), text);
        assertTrue(text.endsWith("\n"), text);
        assertEquals(10 + len + 8, all.length);
    }

    @Test
    void noRowsGivesAnEmptyArray() throws IOException {
        Path f = tmp.resolve("none.npy");
        try (NpyStreamWriter w = new NpyStreamWriter(f, 3, 2, 2)) {
            w.finish();
        }
        NpyArray a = Npy.read(f);
        assertArrayEquals(new long[] {0, 3, 2, 2}, a.shape());
        assertEquals(0, a.data().length);
    }

    @Test
    void closedWithoutFinishLeavesNothing() throws IOException {
        Path f = tmp.resolve("abandoned.npy");
        try (NpyStreamWriter w = new NpyStreamWriter(f, 4)) {
            w.append(new float[] {1, 2, 3, 4});
        }
        assertOnlyFiles();
    }

    @Test
    void shortRowIsRejected() throws IOException {
        try (NpyStreamWriter w = new NpyStreamWriter(tmp.resolve("x.npy"), 4)) {
            assertThrows(IllegalArgumentException.class, () -> w.append(new float[] {1, 2, 3}));
            assertThrows(IllegalArgumentException.class, () -> w.append(new float[] {1, 2, 3, 4}, 1));
        }
    }

    private void assertOnlyFiles(Path... expected) throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(expected), s.sorted().toList());
        }
    }
}
