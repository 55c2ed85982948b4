package dev.patchmem.kernel;

import java.util.List;

/**
 * summary.json of {@code patchmem kernel}: what was computed from what, and per condition how
 * peaked P(i | c) is.
 *
 * @param sigmaAug           kernel width sigma_aug
 * @param conditions         number of conditions Q
 * @param pairs              number of training pairs N
 * @param patch              HR patch side P
 * @param conditionsFile     the conditions file as given
 * @param conditionsSha256   SHA-256 of that file
 * @param dataset            the patch-set folder as given
 * @param datasetContentHash the patch set's content hash (dataset.json)
 * @param block              training pairs per block
 * @param argmax             per condition, the most probable training index
 * @param maxWeight          per condition, max_i P(i | c)
 * @param effectivePairs     per condition, 1 / sum_i P(i | c)^2 (1 = one-hot, N = uniform)
 * @param seconds            wall time of the weights and means (after loading the pairs)
 */
public record KernelSummary(double sigmaAug, int conditions, int pairs, int patch, String conditionsFile,
                            String conditionsSha256, String dataset, String datasetContentHash, int block,
                            List<Integer> argmax, List<Double> maxWeight, List<Double> effectivePairs,
                            double seconds) {

    public KernelSummary {
        argmax = List.copyOf(argmax);
        maxWeight = List.copyOf(maxWeight);
        effectivePairs = List.copyOf(effectivePairs);
    }
}
