package dev.patchmem.bench;

import ai.djl.ndarray.NDManager;
import dev.patchmem.config.StudyConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Profiles the training step that {@code patchmem bench} times ("smoke": tiny U-Net, 16 x 16,
 * batch 32; "larger": small U-Net, 32 x 32, batch 32) with libtorch's profiler and writes the Chrome
 * trace. bench/peer/train_step.py --trace writes the PyTorch twin's, and bench/profile_table.py puts
 * the two side by side, operator by operator. The profiler slows the steps it profiles far more on this
 * side than on the twin's (small U-Net: about 500 ms against about 290 unprofiled; the twin's about 300
 * against 285-307), so its per-operator times are not patchmem's costs; run with ONEDNN_VERBOSE=1 for
 * oneDNN's own timing of the same steps (bench/onednn_sequence.py). Not a subcommand:
 * {@code java -cp target/patchmem.jar dev.patchmem.bench.StepProfile larger OUT.json [WARMUP STEPS]}.
 */
public final class StepProfile {

    private StepProfile() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2 && args.length != 4) {
            System.err.println("usage: StepProfile smoke|larger OUT.json [WARMUP STEPS] (default 40 warm-up, 10 profiled steps)");
            System.exit(2);
        }
        StudyConfig cfg;
        int warmup = args.length == 4 ? positive(args[2], "WARMUP") : 40;
        int steps = args.length == 4 ? positive(args[3], "STEPS") : 10;
        try {
            cfg = Bench.trainConfig(args[0], Bench.Sizes.FULL);
        } catch (IllegalArgumentException e) {
            System.err.println("StepProfile: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path out = Path.of(args[1]).toAbsolutePath();
        Files.createDirectories(out.getParent());
        Path part = out.resolveSibling(out.getFileName() + ".part");
        try (NDManager m = NDManager.newBaseManager()) {
            double ms = TrainStepBench.profile(m, cfg, 256, warmup, steps, part);
            Files.move(part, out, StandardCopyOption.REPLACE_EXISTING);
            System.out.printf(Locale.ROOT, "%s: %d profiled steps of %s, %.1f ms each (profiler included)%n",
                    out, steps, cfg.model().preset(), ms);
        }
    }

    private static int positive(String v, String what) {
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        System.err.println("StepProfile: " + what + " must be a positive integer, not '" + v + "'");
        System.exit(2);
        return 0;
    }
}
