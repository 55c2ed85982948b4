package dev.patchmem.eval;

import java.util.Arrays;
import java.util.List;

/**
 * summary.json of one evaluated set of samples: the memorization ratio and what it was computed from.
 *
 * @param memorizationRatio  fraction of samples with d1 / d2 < 1/3
 * @param memorized          number of such samples
 * @param samples            M
 * @param pairs              N, training patches compared against
 * @param dimension          D, values per patch
 * @param distance           what d is
 * @param threshold          the ratio threshold
 * @param ratioRule          how the ratio is defined, including d2 = 0
 * @param zeroDistance       samples with d1 = 0 (exact copies of a training patch)
 * @param medianD1           median of d1 over the samples
 * @param bins               histogram bins B
 * @param binMax             upper edge of the last bin
 * @param binRule            what each bin counts, including values above binMax
 * @param rawRows            samples whose distances to all N are in raw.npy (empty: no raw.npy)
 * @param samplesFile        the samples file as given
 * @param samplesSha256      SHA-256 of that file
 * @param dataset            the patch-set folder as given
 * @param datasetHrSha256    SHA-256 of its hr.npy
 * @param datasetContentHash its content hash (dataset.json)
 * @param block              training patches per block
 * @param seconds            wall time of the distance search
 * @param pairsPerSecond     sample-training pairs compared per second
 */
public record EvalSummary(double memorizationRatio, int memorized, int samples, int pairs, int dimension,
                          String distance, double threshold, String ratioRule, int zeroDistance, double medianD1,
                          int bins, double binMax, String binRule, List<Integer> rawRows, String samplesFile,
                          String samplesSha256, String dataset, String datasetHrSha256, String datasetContentHash,
                          int block, double seconds, double pairsPerSecond) {

    /** What d is, as written to summary.json. */
    public static final String DISTANCE = "d = ||g - x||_2 / sqrt(D), pixel values in [-1, 1]";

    public EvalSummary {
        rawRows = List.copyOf(rawRows);
    }

    /** The summary of {@code nn} with the identities of its inputs. */
    public static EvalSummary of(NearestNeighbors nn, String samplesFile, String samplesSha256, String dataset,
                                 String datasetHrSha256, String datasetContentHash, int block) {
        int zero = 0;
        for (double d : nn.d1()) {
            zero += d == 0 ? 1 : 0;
        }
        double[] sorted = nn.d1().clone();
        Arrays.sort(sorted);
        int m = sorted.length;
        double median = m == 0 ? Double.NaN : m % 2 == 1 ? sorted[m / 2] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2;
        return new EvalSummary(nn.memorizationRatio(), nn.memorizedCount(), nn.samples(), nn.pairs(),
                nn.dimension(), DISTANCE, Memorization.THRESHOLD, Memorization.RATIO_RULE, zero, median,
                nn.bins().count(), nn.bins().max(), DistanceBins.RULE,
                Arrays.stream(nn.rawRows()).boxed().toList(), samplesFile, samplesSha256, dataset, datasetHrSha256,
                datasetContentHash, block, nn.seconds(), nn.pairsPerSecond());
    }
}
