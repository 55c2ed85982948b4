package dev.patchmem.data;

import dev.patchmem.config.Json;
import dev.patchmem.io.AtomicFiles;
import dev.patchmem.io.Hashes;
import dev.patchmem.io.NpyStreamWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Turns a folder of images into a patch set (and a held-out set beside it). Images are streamed one
 * at a time; only the current image and the current patch are in memory.
 */
public final class PatchSetBuilder {

    /** What was built: the training set's info and the held-out set's (null when none). */
    public record Result(DatasetInfo train, DatasetInfo heldout, double seconds) {
    }

    private final PatchParams params;

    public PatchSetBuilder(PatchParams params) {
        this.params = params;
    }

    /** The image files of {@code dir}, sorted by name; an empty or missing folder is an error. */
    public static List<Path> listImages(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": no such image folder");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).filter(ImageLoader::isImage).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException(dir + ": no images (" + String.join(", ", ImageLoader.EXTENSIONS) + ")");
        }
        return files;
    }

    /**
     * Builds the set from the images of {@code imagesDir} into {@code out}; images named in
     * {@code holdout} go to {@code out}/heldout. {@code out} appears only when complete.
     */
    public Result build(Path imagesDir, Path out, Set<String> holdout) throws IOException {
        long start = System.nanoTime();
        List<Path> files = listImages(imagesDir);
        List<String> names = files.stream().map(f -> f.getFileName().toString()).toList();
        for (String h : holdout) {
            if (!names.contains(h)) {
                throw new IOException(imagesDir.resolve(h) + ": held-out image not found in " + imagesDir);
            }
        }
        if (holdout.containsAll(names)) {
            throw new IOException(imagesDir + ": every image is held out; none is left for the training set");
        }
        checkTarget(imagesDir, out);
        DatasetInfo[] infos = new DatasetInfo[2];
        AtomicFiles.writeFolder(out, tmp -> {
            List<Path> train = files.stream().filter(f -> !holdout.contains(f.getFileName().toString())).toList();
            List<Path> held = files.stream().filter(f -> holdout.contains(f.getFileName().toString())).toList();
            infos[0] = writeSet(train, tmp, List.copyOf(holdout).stream().sorted().toList(), params.maxPatches(),
                    imagesDir.toString());
            if (!held.isEmpty()) {
                infos[1] = writeSet(held, tmp.resolve("heldout"), List.of(), 0,
                        imagesDir + " (held-out images)");
            }
        });
        return new Result(infos[0], infos[1], (System.nanoTime() - start) / 1e9);
    }

    // out is replaced whole on success, so it must not be a file or a folder that holds the images.
    private static void checkTarget(Path imagesDir, Path out) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IOException(out + ": exists and is not a folder; the patch set needs a folder of its own");
        }
        Path target = Files.exists(out) ? out.toRealPath() : out.toAbsolutePath().normalize();
        if (imagesDir.toRealPath().startsWith(target)) {
            throw new IOException(out + ": holds the image folder " + imagesDir
                    + " and would be replaced by the patch set; write it elsewhere");
        }
    }

    // source names the images in messages: dir is a temporary folder the user never sees.
    private DatasetInfo writeSet(List<Path> files, Path dir, List<String> holdout, int maxPatches, String source)
            throws IOException {
        Files.createDirectories(dir);
        int p = params.patch();
        List<DatasetInfo.ImageEntry> used = new ArrayList<>();
        List<DatasetInfo.Skipped> skipped = new ArrayList<>();
        // Patch rows are streamed to a scratch file: millions of patches must not sit in memory as strings.
        Path rowsFile = dir.resolve("all-rows.csv");
        int count = 0;
        Path hrFile = dir.resolve(maxPatches > 0 ? "all-hr.npy" : "hr.npy");
        Path lrFile = dir.resolve(maxPatches > 0 ? "all-lr.npy" : "lr.npy");
        try (NpyStreamWriter hrOut = new NpyStreamWriter(hrFile, 3, p, p);
             NpyStreamWriter lrOut = new NpyStreamWriter(lrFile, 3, p / 2, p / 2);
             BufferedWriter rows = Files.newBufferedWriter(rowsFile)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                Image img;
                try {
                    img = ImageLoader.read(f);
                } catch (BadImageException e) {
                    if (!params.skipBad()) {
                        throw e;
                    }
                    skipped.add(new DatasetInfo.Skipped(name, e.reason()));
                    continue;
                }
                int nx = Patches.gridCount(img.width(), p, params.stride());
                int ny = Patches.gridCount(img.height(), p, params.stride());
                if (nx * ny == 0) {
                    skipped.add(new DatasetInfo.Skipped(name, "smaller than the patch size " + p + " ("
                            + img.width() + "x" + img.height() + ")"));
                    continue;
                }
                for (int gy = 0; gy < ny; gy++) {
                    for (int gx = 0; gx < nx; gx++) {
                        int x = gx * params.stride();
                        int y = gy * params.stride();
                        float[] hr = Patches.crop(img, x, y, p);
                        double std = Patches.std(hr);
                        rows.write(name + "," + x + "," + y + "," + String.format(Locale.ROOT, "%.6f", std) + ","
                                + (std < params.flatStd() ? 1 : 0) + "\n");
                        count++;
                        hrOut.append(hr);
                        lrOut.append(Patches.downsample(hr, p));
                    }
                }
                used.add(new DatasetInfo.ImageEntry(name, img.width(), img.height(), nx * ny));
            }
            if (count == 0) {
                throw new IOException(source + ": no patches of size " + p + "; every image is smaller or skipped");
            }
            hrOut.finish();
            lrOut.finish();
        }
        int[] keep = subset(count, maxPatches);
        if (maxPatches > 0) {
            copyRows(hrFile, dir.resolve("hr.npy"), keep, 3 * p * p, new long[] {3, p, p});
            copyRows(lrFile, dir.resolve("lr.npy"), keep, 3 * (p / 2) * (p / 2), new long[] {3, p / 2, p / 2});
            Files.delete(hrFile);
            Files.delete(lrFile);
        }
        int flat = writeCsv(dir.resolve("patches.csv"), rowsFile, keep);
        Files.delete(rowsFile);
        String hash = contentHash(dir);
        DatasetInfo info = new DatasetInfo(p, params.stride(), params.flatStd(), maxPatches, params.seed(),
                keep.length, flat, used, skipped, holdout, hash);
        Json.write(dir.resolve("dataset.json"), info);
        return info;
    }

    // A seeded random subset of 0..n-1 in increasing order, or all of them.
    private int[] subset(int n, int max) {
        int[] all = java.util.stream.IntStream.range(0, n).toArray();
        if (max <= 0 || max >= n) {
            return all;
        }
        SplittableRandom rng = new SplittableRandom(params.seed());
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        int[] keep = Arrays.copyOf(all, max);
        Arrays.sort(keep);
        return keep;
    }

    private static void copyRows(Path from, Path to, int[] keep, int rowSize, long[] rowShape) throws IOException {
        byte[] bytes = new byte[rowSize * 4];
        float[] row = new float[rowSize];
        try (RandomAccessFile in = new RandomAccessFile(from.toFile(), "r");
             NpyStreamWriter out = new NpyStreamWriter(to, rowShape)) {
            long header = in.length() - (long) rowSize * 4 * countRows(in.length(), rowSize);
            for (int k : keep) {
                in.seek(header + (long) k * bytes.length);
                in.readFully(bytes);
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(row);
                out.append(row);
            }
            out.finish();
        }
    }

    // Files from NpyStreamWriter carry a 128-byte header.
    private static long countRows(long fileSize, int rowSize) {
        return (fileSize - 128) / (rowSize * 4L);
    }

    // Copies the rows of rowsFile listed in keep (increasing) to csv, numbered from 0; returns the flat count.
    private static int writeCsv(Path csv, Path rowsFile, int[] keep) throws IOException {
        int flat = 0;
        try (BufferedWriter w = Files.newBufferedWriter(csv);
             java.io.BufferedReader in = Files.newBufferedReader(rowsFile)) {
            w.write("index,image,x,y,std,flat\n");
            int next = 0;                                    // index of the next line in
            for (int i = 0; i < keep.length; i++) {
                for (; next < keep[i]; next++) {
                    in.readLine();
                }
                String row = in.readLine();
                next++;
                flat += row.endsWith(",1") ? 1 : 0;
                w.write(i + "," + row + "\n");
            }
        } catch (IOException e) {
            // A write error (a full disk) names the file.
            throw new IOException(csv.getFileName() + ": " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()), e);
        }
        return flat;
    }

    /** SHA-256 over hr.npy then lr.npy of {@code dir}: the identity of a patch set. */
    public static String contentHash(Path dir) throws IOException {
        MessageDigest md = Hashes.sha256();
        byte[] buf = new byte[1 << 16];
        for (String f : List.of("hr.npy", "lr.npy")) {
            try (java.io.InputStream in = Files.newInputStream(dir.resolve(f))) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                }
            }
        }
        return Hashes.hex(md.digest());
    }
}
