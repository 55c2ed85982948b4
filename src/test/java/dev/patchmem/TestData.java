package dev.patchmem;

import dev.patchmem.config.ConfigLoader;
import dev.patchmem.config.StudyConfig;
import dev.patchmem.data.PatchParams;
import dev.patchmem.data.PatchSetBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Small real inputs shared by tests: patch sets cut from datasets/natural and tiny study configs. */
public final class TestData {

    /** The embedded images. */
    public static final Path NATURAL = Path.of("datasets/natural");

    private TestData() {
    }

    /** A patch set of at most {@code max} P x P patches (camera.png held out) in {@code dir}. */
    public static Path patchSet(Path dir, int patch, int stride, int max) throws IOException {
        new PatchSetBuilder(new PatchParams(patch, stride, 0.04, max, 0, false))
                .build(NATURAL, dir, Set.of("camera.png"));
        return dir;
    }

    /** A tiny study config over {@code dataDir} with extra {@code key=value} overrides. */
    public static StudyConfig tinyConfig(Path dataDir, int patch, String... overrides) throws IOException {
        List<String> o = new ArrayList<>(List.of("data.dir=" + dataDir, "data.patch=" + patch, "model.channels=8",
                "model.groups=4", "model.channelMult=[1,2]", "train.batchSize=8", "train.warmupSteps=5",
                "train.logEvery=1", "diffusion.timesteps=50"));
        o.addAll(Arrays.asList(overrides));
        return ConfigLoader.load(null, StudyConfig.class, StudyConfig.DEFAULT, o);
    }

    /** Copies the folder tree {@code from} to {@code to}. */
    public static void copyTree(Path from, Path to) throws IOException {
        try (var s = java.nio.file.Files.walk(from)) {
            for (Path p : s.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (java.nio.file.Files.isDirectory(p)) {
                    java.nio.file.Files.createDirectories(q);
                } else {
                    java.nio.file.Files.copy(p, q);
                }
            }
        }
    }
}
