package dev.patchmem.eval;

import dev.patchmem.data.PatchParams;
import dev.patchmem.data.PatchSetBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** Small real patch sets for tests, cut from the embedded images. */
public final class TestPatchSets {

    private TestPatchSets() {
    }

    /** A patch set of 16 x 16 patches, stride 64, from two of datasets/natural's images, in {@code dir}/set. */
    public static Path small(Path dir) throws IOException {
        Path images = dir.resolve("images");
        Files.createDirectories(images);
        for (String name : new String[] {"camera.png", "brick.png"}) {
            Files.copy(Path.of("datasets/natural", name), images.resolve(name));
        }
        Path out = dir.resolve("set");
        new PatchSetBuilder(new PatchParams(16, 64, 0.04, 0, 0, false)).build(images, out, Set.of());
        return out;
    }
}
