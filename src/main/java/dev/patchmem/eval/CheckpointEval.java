package dev.patchmem.eval;

import java.util.List;
import java.util.Map;

/**
 * eval/step-NNNNNNN/summary.json: one checkpoint's evaluation, naming the checkpoint and the data it
 * came from.
 *
 * @param step            training step of the checkpoint
 * @param checkpoint      the checkpoint folder
 * @param configHash      SHA-256 of the run's config (from the checkpoint)
 * @param datasetHash     content hash of the training patch set compared against
 * @param sampler         sampler, steps and eta used
 * @param weights         "ema" or "raw"
 * @param sets            per condition set: memorization statistics
 * @param retrieval       held-out retrieval frequencies against the kernel model (null without held-out data
 *                        or with sigma_aug = 0)
 * @param r2              network against closed-form x0 predictions (null when not computed)
 * @param seconds         wall time of this evaluation
 * @param rssMb           resident set of the evaluating process when this checkpoint was done, MiB
 */
public record CheckpointEval(int step, String checkpoint, String configHash, String datasetHash, String sampler,
                             String weights, Map<String, SetResult> sets, RetrievalResult retrieval, R2Result r2,
                             double seconds, double rssMb) {

    /**
     * @param conditions        Q
     * @param perCondition      K samples per condition
     * @param memorizationRatio fraction of the Q*K samples with d1/d2 < 1/3
     * @param medianD1          median distance to the nearest training patch
     * @param indices           row of each condition in its patch set
     */
    public record SetResult(int conditions, int perCondition, double memorizationRatio, double medianD1,
                            List<Integer> indices) {
    }

    /**
     * @param sigmaAug           sigma_aug of the kernel, the run's train.sigmaAug
     * @param set                condition set the frequencies are of
     * @param tvPerCondition     TV(empirical, P(i|c)) per condition, NaN where no sample was memorized
     * @param tvMean             mean over conditions with a memorized sample
     * @param samplingNoiseTv    mean TV a perfect model shows with as many memorized samples (the floor)
     * @param conditionsCounted  conditions with at least one memorized sample
     */
    public record RetrievalResult(double sigmaAug, String set, List<Double> tvPerCondition, double tvMean,
                                  double samplingNoiseTv, int conditionsCounted) {
    }

    /**
     * @param set    condition set used
     * @param times  timesteps t
     * @param values r^2 of the network's x0 against the closed form's, per t
     * @param median median over t
     */
    public record R2Result(String set, List<Integer> times, List<Double> values, double median) {
    }
}
