package dev.patchmem.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * One Gaussian noise stream per sample, seeded from (seed, condition index, sample index), so a
 * sample's noise, and so the sample itself, does not depend on the batch it is drawn in.
 */
public final class NoiseStreams {

    private final SplittableRandom[] rows;

    private NoiseStreams(SplittableRandom[] rows) {
        this.rows = rows;
    }

    /** Streams for the samples (condition[i], sampleIndex[i]) of one batch. */
    public static NoiseStreams of(long seed, int[] condition, int[] sampleIndex) {
        SplittableRandom[] r = new SplittableRandom[condition.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = new SplittableRandom(sampleSeed(seed, condition[i], sampleIndex[i]));
        }
        return new NoiseStreams(r);
    }

    /** The seed of sample k of condition q: a 64-bit mix (SplitMix64 finaliser) of the three numbers. */
    public static long sampleSeed(long seed, long q, long k) {
        long h = mix(seed + 0x9E3779B97F4A7C15L);
        h = mix(h ^ (q * 0xBF58476D1CE4E5B9L + 1));
        return mix(h ^ (k * 0x94D049BB133111EBL + 2));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Number of rows (samples). */
    public int size() {
        return rows.length;
    }

    /** The next N(0, I) draw of every row, as (B, rowShape...) in {@code m}. */
    public NDArray next(NDManager m, Shape rowShape) {
        int d = Math.toIntExact(rowShape.size());
        float[] v = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            SplittableRandom r = rows[i];
            for (int j = 0; j < d; j++) {
                v[i * d + j] = (float) r.nextGaussian();
            }
        }
        return m.create(v, new Shape(rows.length).addAll(rowShape));
    }
}
