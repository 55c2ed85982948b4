package dev.patchmem.config;

/**
 * Section {@code train}: optimisation, condition augmentation and checkpointing.
 *
 * @param steps           optimizer steps in all (default 2000)
 * @param batchSize       pairs per step (default 32)
 * @param lr              peak AdamW learning rate (default 2e-3)
 * @param lrSchedule      after warm-up: constant, or cosine decay to 0 at {@code steps} (default cosine)
 * @param warmupSteps     linear warm-up from 0 to {@code lr} (default 50)
 * @param weightDecay     decoupled AdamW weight decay (default 0)
 * @param beta1           AdamW first-moment decay (default 0.9)
 * @param beta2           AdamW second-moment decay (default 0.999)
 * @param clipGradNorm    global gradient-norm clip, 0 for none (default 1.0)
 * @param emaDecay        decay of the exponential moving average of the weights, 0 for none (default 0.999)
 * @param sigmaAug        std of the Gaussian noise added to the LR condition, [-1, 1] pixel units (default 0.3)
 * @param checkpointEvery steps between checkpoints (default 250); the last step is always saved
 * @param keepLast        keep only the newest so many checkpoints, 0 keeps all (default 0)
 * @param logEvery        steps between metrics.jsonl lines (default 10)
 */
public record TrainConfig(int steps, int batchSize, double lr, LrSchedule lrSchedule, int warmupSteps,
                          double weightDecay, double beta1, double beta2, double clipGradNorm, double emaDecay,
                          double sigmaAug, int checkpointEvery, int keepLast, int logEvery) {

    /** Learning-rate shape after warm-up. */
    public enum LrSchedule implements Lower { CONSTANT, COSINE }

    public static final TrainConfig DEFAULT = new TrainConfig(2000, 32, 2e-3, LrSchedule.COSINE, 50, 0.0, 0.9, 0.999,
            1.0, 0.999, 0.3, 250, 0, 10);

    public TrainConfig {
        Check.range("train.steps", steps, 1, Integer.MAX_VALUE);
        Check.range("train.batchSize", batchSize, 1, 1 << 20);
        Check.positive("train.lr", lr);
        Check.present("train.lrSchedule", lrSchedule);
        Check.range("train.warmupSteps", warmupSteps, 0, Integer.MAX_VALUE);
        Check.nonNegative("train.weightDecay", weightDecay);
        Check.range("train.beta1", beta1, 0.0, 0.999999);
        Check.range("train.beta2", beta2, 0.0, 0.999999999);
        Check.nonNegative("train.clipGradNorm", clipGradNorm);
        Check.range("train.emaDecay", emaDecay, 0.0, 0.999999);
        Check.range("train.sigmaAug", sigmaAug, 0.0, 100.0);
        Check.range("train.checkpointEvery", checkpointEvery, 1, Integer.MAX_VALUE);
        Check.range("train.keepLast", keepLast, 0, Integer.MAX_VALUE);
        Check.range("train.logEvery", logEvery, 1, Integer.MAX_VALUE);
    }

    /** Learning rate at (0-based) step {@code step}: linear warm-up, then constant or cosine decay. */
    public double lrAt(int step) {
        if (step < warmupSteps) {
            return lr * (step + 1) / warmupSteps;
        }
        if (lrSchedule == LrSchedule.CONSTANT || steps <= warmupSteps) {
            return lr;
        }
        double progress = (double) (step - warmupSteps) / (steps - warmupSteps);
        return 0.5 * lr * (1 + Math.cos(Math.PI * progress));
    }
}
