package dev.patchmem.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NpyTest {

    @TempDir
    Path tmp;

    static Stream<Arguments> headers() {
        // The dict text NumPy 1.24 writes for these shapes (np.save); NumPy pads further, which readers allow.
        return Stream.of(
                Arguments.of(new long[] {}, "()"),
                Arguments.of(new long[] {5}, "(5,)"),
                Arguments.of(new long[] {2, 3}, "(2, 3)"),
                Arguments.of(new long[] {4, 3, 32, 32}, "(4, 3, 32, 32)"),
                Arguments.of(new long[] {0, 3, 16, 16}, "(0, 3, 16, 16)"));
    }

    @ParameterizedTest
    @MethodSource("headers")
    void headerIsTheNumpyDictPaddedToSixtyFour(long[] shape, String shapeText) {
        byte[] h = Npy.header(shape);
        assertEquals(0, h.length % 64, "header length " + h.length);
        assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, Arrays.copyOf(h, 8));
        int len = (h[8] & 0xff) | (h[9] & 0xff) << 8;
        assertEquals(h.length - 10, len, "HEADER_LEN field");
        String text = new String(h, 10, len, StandardCharsets.US_ASCII);
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shapeText + ", }";
        assertTrue(text.startsWith(dict), text);
        assertEquals("\n", text.substring(text.length() - 1));
        assertTrue(text.substring(dict.length(), text.length() - 1).isBlank(), "padding is spaces: " + text);
    }

    static Stream<long[]> shapes() {
        return Stream.of(new long[] {7}, new long[] {3, 5}, new long[] {2, 3, 4, 5}, new long[] {0, 3, 4, 4},
                new long[] {}, new long[] {1, 1, 1, 1});
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void roundTripKeepsShapeAndEveryBit(long[] shape) throws IOException {
        int n = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
        float[] data = new float[n];
        SplittableRandom rng = new SplittableRandom(n);
        for (int i = 0; i < n; i++) {
            data[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        if (n >= 4) {
            data[0] = -0.0f;
            data[1] = Float.NaN;
            data[2] = Float.MIN_VALUE;
            data[3] = Float.POSITIVE_INFINITY;
        }
        Path f = tmp.resolve("a.npy");
        Npy.write(f, data, shape);

        assertEquals(Npy.header(shape).length + 4L * n, Files.size(f));
        assertArrayEquals(shape, Npy.shape(f));
        NpyArray back = Npy.read(f);
        assertArrayEquals(shape, back.shape());
        assertEquals(new NpyArray(shape, data), back);
        assertEquals(n, back.data().length);
    }

    @Test
    void dataIsLittleEndianFloat32InCOrder() throws IOException {
        Path f = tmp.resolve("b.npy");
        Npy.write(f, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        byte[] all = Files.readAllBytes(f);
        ByteBuffer b = ByteBuffer.wrap(all, all.length - 24, 24).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 1; i <= 6; i++) {
            assertEquals(i, b.getFloat());
        }
        NpyArray a = Npy.read(f);
        assertEquals(2, a.rows());
        assertArrayEquals(new float[] {4, 5, 6}, a.row(1));
    }

    @Test
    void readsAHeaderPaddedAsNumpyPadsIt() throws IOException {
        // np.save(np.arange(6, dtype='<f4').reshape(2, 3)) in NumPy 1.24: a 128-byte header.
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        String text = dict + " ".repeat(128 - 10 - dict.length() - 1) + "\n";
        ByteBuffer b = ByteBuffer.allocate(128 + 24).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) text.length());
        b.put(text.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 6; i++) {
            b.putFloat(i);
        }
        Path f = tmp.resolve("numpy.npy");
        Files.write(f, b.array());
        NpyArray a = Npy.read(f);
        assertArrayEquals(new long[] {2, 3}, a.shape());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, a.data());
    }

    @Test
    void truncatedDataIsAnErrorNamingTheFile() throws IOException {
        Path f = tmp.resolve("cut.npy");
        Npy.write(f, new float[24], 2, 3, 4);
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length - 10));
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void fileCutInsideTheHeaderIsAnErrorNamingTheFile() throws IOException {
        Path f = tmp.resolve("cut-header.npy");
        Npy.write(f, new float[24], 2, 3, 4);
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, 30));
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        NpyFormatException e2 = assertThrows(NpyFormatException.class, () -> Npy.shape(f));
        assertTrue(e2.getMessage().contains(f.toString()), e2.getMessage());
    }

    @Test
    void extraBytesAfterTheDataAreAnError() throws IOException {
        Path f = tmp.resolve("long.npy");
        Npy.write(f, new float[6], 2, 3);
        Files.write(f, new byte[4], java.nio.file.StandardOpenOption.APPEND);
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void wrongMagicIsAnErrorNamingTheFile() throws IOException {
        Path f = tmp.resolve("text.npy");
        Files.writeString(f, "this is a text file, not an array\n");
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
    }

    @Test
    void emptyFileIsAnErrorNamingTheFile() throws IOException {
        Path f = tmp.resolve("empty.npy");
        Files.write(f, new byte[0]);
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void missingFileIsAnErrorNamingTheFile() {
        Path f = tmp.resolve("absent.npy");
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    static Stream<Arguments> foreignHeaders() {
        return Stream.of(
                Arguments.of("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", 8, "<f8"),
                Arguments.of("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", 4, ">f4"),
                Arguments.of("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", 4, "<i4"),
                Arguments.of("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 4, "Fortran"),
                Arguments.of("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", 4, "shape"),
                Arguments.of("{'fortran_order': False, 'shape': (2, 3), }", 4, "descr"));
    }

    @ParameterizedTest
    @MethodSource("foreignHeaders")
    void otherDtypesAndLayoutsAreErrorsNamingTheFile(String dict, int itemSize, String named) throws IOException {
        String text = dict + " ".repeat(64 - (10 + dict.length() + 1) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + text.length() + 6 * itemSize).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) text.length());
        b.put(text.getBytes(StandardCharsets.US_ASCII));
        Path f = tmp.resolve("foreign.npy");
        Files.write(f, b.array());
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }

    @Test
    void overwriteReplacesTheWholeFileAndLeavesNoTemporary() throws IOException {
        Path f = tmp.resolve("c.npy");
        Npy.write(f, new float[100], 100);
        Npy.write(f, new float[] {1, 2}, 2);
        assertArrayEquals(new float[] {1, 2}, Npy.read(f).data());
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(java.util.List.of(f), s.toList());
        }
    }
}
