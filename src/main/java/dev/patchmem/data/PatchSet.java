package dev.patchmem.data;

import dev.patchmem.config.Json;
import dev.patchmem.io.Hashes;
import dev.patchmem.io.Npy;
import dev.patchmem.io.NpyArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/**
 * A patch set as {@code patchmem data} writes it: HR targets x_dst (N, 3, P, P), LR conditions x_src
 * (N, 3, P/2, P/2), the flat tags and dataset.json.
 *
 * @param dir  folder it was read from
 * @param hr   x_dst, (N, 3, P, P)
 * @param lr   x_src, (N, 3, P/2, P/2)
 * @param flat flat tag per patch
 * @param info dataset.json
 */
public record PatchSet(Path dir, NpyArray hr, NpyArray lr, boolean[] flat, DatasetInfo info) {

    /** Number of pairs N. */
    public int size() {
        return hr.rows();
    }

    /** HR patch side P. */
    public int patch() {
        return (int) hr.shape()[2];
    }

    /** Indices of patches with flat tag {@code wanted}. */
    public int[] indices(boolean wanted) {
        return java.util.stream.IntStream.range(0, size()).filter(i -> flat[i] == wanted).toArray();
    }

    /** True when {@code dir} holds a complete patch set. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve("dataset.json")) && Files.isRegularFile(dir.resolve("hr.npy"))
                && Files.isRegularFile(dir.resolve("lr.npy"));
    }

    /** Loads and checks the patch set in {@code dir}; problems are one-line errors naming the file. */
    public static PatchSet load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": no patch set here (create one with patchmem data)");
        }
        Path infoFile = dir.resolve("dataset.json");
        if (!Files.isRegularFile(infoFile)) {
            throw new IOException(infoFile + " missing: " + dir + " is not a patch set (create one with patchmem data)");
        }
        DatasetInfo info = Json.read(infoFile, DatasetInfo.class);
        // Header checks cannot see a flipped bit among the values: hash while reading (one pass, about
        // a second per GB) and compare with the hash patchmem data recorded.
        MessageDigest md = Hashes.sha256();
        NpyArray hr = Npy.read(dir.resolve("hr.npy"), md);
        NpyArray lr = Npy.read(dir.resolve("lr.npy"), md);
        checkShapes(dir, hr.shape(), lr.shape(), info);
        if (!Hashes.hex(md.digest()).equals(info.contentHash())) {
            throw new IOException(dir.resolve("hr.npy") + " or lr.npy: content differs from the contentHash in"
                    + " dataset.json (corrupt, or changed since patchmem data wrote it); rebuild the set");
        }
        return new PatchSet(dir, hr, lr, readFlat(dir.resolve("patches.csv"), hr.rows()), info);
    }

    /** Checks that hr/lr shapes agree with each other and with dataset.json. */
    static void checkShapes(Path dir, long[] hr, long[] lr, DatasetInfo info) throws IOException {
        if (hr.length != 4 || hr[1] != 3 || hr[2] != hr[3] || hr[2] % 2 != 0) {
            throw new IOException(dir.resolve("hr.npy") + " has shape " + Arrays.toString(hr)
                    + "; expected (N, 3, P, P) with P even");
        }
        long[] want = {hr[0], 3, hr[2] / 2, hr[2] / 2};
        if (!Arrays.equals(lr, want)) {
            throw new IOException(dir.resolve("lr.npy") + " has shape " + Arrays.toString(lr) + "; expected "
                    + Arrays.toString(want) + " to match hr.npy");
        }
        if (info.count() != hr[0] || info.patch() != hr[2]) {
            throw new IOException(dir.resolve("dataset.json") + " says N=" + info.count() + ", P=" + info.patch()
                    + " but hr.npy has shape " + Arrays.toString(hr));
        }
    }

    private static boolean[] readFlat(Path csv, int n) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        if (lines.size() != n + 1) {
            throw new IOException(csv + " has " + (lines.size() - 1) + " rows; hr.npy has " + n + " patches");
        }
        boolean[] flat = new boolean[n];
        for (int i = 0; i < n; i++) {
            String[] f = lines.get(i + 1).split(",");
            try {
                flat[i] = Integer.parseInt(f[f.length - 1].trim()) != 0;
            } catch (NumberFormatException e) {
                throw new IOException(csv + " row " + (i + 1) + " has no flat flag: " + lines.get(i + 1));
            }
        }
        return flat;
    }

    /** The loaded set, or an unchecked error naming the folder. */
    public static PatchSet loadUnchecked(Path dir) {
        try {
            return load(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
