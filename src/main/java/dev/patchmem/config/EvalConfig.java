package dev.patchmem.config;

import java.util.List;

/**
 * Section {@code eval}: what the checkpoint evaluator samples and measures.
 *
 * @param trainConditions   training conditions sampled per checkpoint, evenly spaced over the set (default 32)
 * @param heldoutConditions held-out (textured) conditions per checkpoint (default 16)
 * @param flatConditions    flat held-out conditions per checkpoint (default 8)
 * @param perCondition      samples drawn per condition (default 4)
 * @param bins              histogram bins of d = L2 / sqrt(D) (default 64)
 * @param binMax            upper edge of the last bin; bins span [0, binMax] (default 1.5)
 * @param rawSamples        samples per condition set whose raw distances to all N are kept (default 2)
 * @param r2Times           timesteps t at which network and closed-form x0 predictions are compared
 * @param block             training patches per block of the distance computation (default 8192)
 */
public record EvalConfig(int trainConditions, int heldoutConditions, int flatConditions, int perCondition, int bins,
                         double binMax, int rawSamples, List<Integer> r2Times, int block) {

    public static final EvalConfig DEFAULT =
            new EvalConfig(32, 16, 8, 4, 64, 1.5, 2, List.of(10, 30, 50, 70, 90), 8192);

    public EvalConfig {
        Check.range("eval.trainConditions", trainConditions, 0, 1 << 20);
        Check.range("eval.heldoutConditions", heldoutConditions, 0, 1 << 20);
        Check.range("eval.flatConditions", flatConditions, 0, 1 << 20);
        Check.range("eval.perCondition", perCondition, 1, 1 << 20);
        Check.range("eval.bins", bins, 1, 1 << 16);
        Check.positive("eval.binMax", binMax);
        Check.range("eval.rawSamples", rawSamples, 0, 1 << 16);
        r2Times = List.copyOf(r2Times == null ? List.of() : Check.noNulls("eval.r2Times", r2Times));
        for (int t : r2Times) {
            Check.range("eval.r2Times[]", t, 0, 100_000);
        }
        Check.range("eval.block", block, 1, 1 << 24);
    }
}
