package dev.patchmem.eval;

import dev.patchmem.config.EvalConfig;
import dev.patchmem.data.PatchSet;
import dev.patchmem.io.NpyArray;
import java.util.ArrayList;
import java.util.List;

/**
 * A named set of conditions sampled at every checkpoint: training conditions, held-out textured
 * conditions, or held-out flat ones. The same rows and the same per-sample seeds at every checkpoint,
 * so checkpoints are compared on the same noise.
 *
 * @param name    "train", "heldout" or "flat"
 * @param indices row of each condition in its patch set
 * @param lr      the conditions x_src, (Q, 3, P/2, P/2)
 * @param hr      their true HR patches, (Q, 3, P, P)
 * @param seed    seed of the samples of this set
 */
public record ConditionSet(String name, int[] indices, NpyArray lr, NpyArray hr, long seed) {

    /** Number of conditions Q. */
    public int size() {
        return indices.length;
    }

    /** The sets a run's eval section asks for: train from the training set, heldout and flat from heldout/. */
    public static List<ConditionSet> of(EvalConfig cfg, PatchSet train, PatchSet heldout, long seed) {
        List<ConditionSet> sets = new ArrayList<>();
        int[] all = java.util.stream.IntStream.range(0, train.size()).toArray();
        add(sets, "train", train, spread(all, cfg.trainConditions()), seed);
        if (heldout != null) {
            add(sets, "heldout", heldout, spread(heldout.indices(false), cfg.heldoutConditions()), seed);
            add(sets, "flat", heldout, spread(heldout.indices(true), cfg.flatConditions()), seed);
        }
        return sets;
    }

    private static void add(List<ConditionSet> sets, String name, PatchSet set, int[] idx, long seed) {
        if (idx.length > 0) {
            sets.add(new ConditionSet(name, idx, rows(set.lr(), idx), rows(set.hr(), idx),
                    seed ^ (0x5EEDL * (sets.size() + 1))));
        }
    }

    /** {@code count} entries of {@code from} spread evenly over it (all of them when it is shorter). */
    public static int[] spread(int[] from, int count) {
        if (count >= from.length) {
            return from.clone();
        }
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = from[(int) ((long) i * from.length / count)];
        }
        return out;
    }

    /** Rows {@code idx} of {@code a}. */
    public static NpyArray rows(NpyArray a, int[] idx) {
        int d = a.rowSize();
        float[] v = new float[idx.length * d];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(a.data(), idx[i] * d, v, i * d, d);
        }
        long[] shape = a.shape();
        shape[0] = idx.length;
        return new NpyArray(shape, v);
    }
}
