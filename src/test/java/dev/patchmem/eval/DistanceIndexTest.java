package dev.patchmem.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.patchmem.data.PatchSet;
import dev.patchmem.io.NpyArray;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistanceIndexTest {

    private static final DistanceBins BINS = new DistanceBins(16, 1.5);

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    private static NearestNeighbors search(float[] train, float[] samples, int d, int block, int rowChunk,
                                           int... raw) {
        try (DistanceIndex index = new DistanceIndex(manager, rows(train, d), block)) {
            return index.search(rows(samples, d), BINS, raw, rowChunk, Progress.NONE);
        }
    }

    private static NpyArray rows(float[] a, int d) {
        return new NpyArray(new long[] {a.length / d, d}, a);
    }

    private static float[] uniform(SplittableRandom rng, int count) {
        float[] x = new float[count];
        for (int i = 0; i < count; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** Checks {@code nn} against the double loop: d within 1e-5, indices where the gap allows, histograms. */
    private static void assertMatchesBruteForce(NearestNeighbors nn, float[] train, float[] samples, int d) {
        double[][] want = BruteNearest.distances(samples, train, d);
        for (int r = 0; r < want.length; r++) {
            int[] two = BruteNearest.twoNearest(want[r]);
            assertEquals(want[r][two[0]], nn.d1()[r], 1e-5, "d1 of row " + r);
            assertEquals(want[r][two[1]], nn.d2()[r], 1e-5, "d2 of row " + r);
            assertEquals(two[0], nn.i1()[r], "i1 of row " + r);
            assertEquals(two[1], nn.i2()[r], "i2 of row " + r);
            int[] hist = new int[BINS.count()];
            int nearEdge = 0;
            for (double v : want[r]) {
                hist[BINS.index(v)]++;
                double pos = v * BINS.count() / BINS.max();
                nearEdge += Math.abs(pos - Math.rint(pos)) < 1e-4 ? 1 : 0;
            }
            int diff = 0;
            for (int k = 0; k < hist.length; k++) {
                diff += Math.abs(hist[k] - nn.histograms()[r * BINS.count() + k]);
            }
            assertTrue(diff <= 2 * nearEdge, "histogram of row " + r + " differs by " + diff);
        }
    }

    @Test
    void matchesBruteForceOnRandomDataOverSeveralBlocks() {
        SplittableRandom rng = new SplittableRandom(1);
        int d = 48;
        float[] train = uniform(rng, 300 * d);
        float[] samples = uniform(rng, 20 * d);
        for (int j = 0; j < d; j++) {
            samples[j] = train[17 * d + j] + 0.01f; // one sample close to a training patch
        }
        NearestNeighbors nn = search(train, samples, d, 64, 7, 0, 5);
        assertMatchesBruteForce(nn, train, samples, d);
        double[][] want = BruteNearest.distances(samples, train, d);
        for (int i = 0; i < 300; i++) {
            assertEquals(want[0][i], nn.raw()[0][i], 1e-5);
            assertEquals(want[5][i], nn.raw()[1][i], 1e-5);
        }
        for (int r = 0; r < 20; r++) {
            int sum = 0;
            for (int k = 0; k < BINS.count(); k++) {
                sum += nn.histograms()[r * BINS.count() + k];
            }
            assertEquals(300, sum);
        }
        assertEquals(17, nn.i1()[0]);
    }

    @Test
    void matchesBruteForceOnRealPatches(@TempDir Path tmp) throws Exception {
        PatchSet set = PatchSet.load(TestPatchSets.small(tmp));
        int d = set.hr().rowSize();
        float[] train = set.hr().data();
        int n = set.size();
        SplittableRandom rng = new SplittableRandom(2);
        float[] samples = new float[12 * d];
        for (int r = 0; r < 12; r++) {
            int k = (r * 37) % n;
            for (int j = 0; j < d; j++) {
                float noise = r < 4 ? 0 : (float) ((rng.nextDouble() - 0.5) * 0.02 * r);
                samples[r * d + j] = Math.max(-1, Math.min(1, train[k * d + j] + noise));
            }
        }
        NearestNeighbors nn = search(train, samples, d, 50, 5);
        assertMatchesBruteForce(nn, train, samples, d);
    }

    @Test
    void exactCopyOfATrainingPatchIsMemorized() {
        SplittableRandom rng = new SplittableRandom(3);
        int d = 30;
        float[] train = uniform(rng, 40 * d);
        float[] sample = java.util.Arrays.copyOfRange(train, 23 * d, 24 * d);
        NearestNeighbors nn = search(train, sample, d, 16, 1);
        assertEquals(23, nn.i1()[0]);
        assertEquals(0.0, nn.d1()[0]);
        assertTrue(nn.d2()[0] > 0);
        assertTrue(nn.memorized(0));
        assertEquals(1.0, nn.memorizationRatio());
    }

    @Test
    void equidistantSampleIsNotMemorizedAndTiesGoToTheLowerIndex() {
        int d = 4;
        float[] train = {
            5, 5, 5, 5,
            0, 0.5f, 0, 0,
            9, 0, 0, 0,
            0, -0.5f, 0, 0,
        };
        for (int block : new int[] {1, 2, 3, 8}) {
            NearestNeighbors nn = search(train, new float[4], d, block, 1);
            assertEquals(1, nn.i1()[0], "block " + block);
            assertEquals(3, nn.i2()[0], "block " + block);
            assertEquals(nn.d1()[0], nn.d2()[0]);
            assertEquals(1.0, nn.ratio(0));
            assertFalse(nn.memorized(0));
        }
    }

    @Test
    void duplicateTrainingPatchesDoNotBreakTheRatio() {
        int d = 3;
        float[] train = {1, 2, 3, 0, 0, 0, 1, 2, 3, 0, 0, 0};
        NearestNeighbors nn = search(train, new float[] {1, 2, 3}, d, 3, 1);
        assertEquals(0, nn.i1()[0]);
        assertEquals(2, nn.i2()[0]);
        assertEquals(0.0, nn.d2()[0]);
        assertEquals(1.0, nn.ratio(0));
        assertFalse(nn.memorized(0));
    }

    @Test
    void blockSizeAndRowChunkDoNotChangeResults() {
        SplittableRandom rng = new SplittableRandom(4);
        int d = 20;
        float[] train = uniform(rng, 97 * d);
        float[] samples = uniform(rng, 9 * d);
        NearestNeighbors ref = search(train, samples, d, 1000, 100, 2);
        for (int[] bc : new int[][] {{1, 1}, {7, 4}, {32, 9}, {97, 2}}) {
            NearestNeighbors nn = search(train, samples, d, bc[0], bc[1], 2);
            assertArrayEquals(ref.i1(), nn.i1());
            assertArrayEquals(ref.i2(), nn.i2());
            assertArrayEquals(ref.d1(), nn.d1());
            assertArrayEquals(ref.d2(), nn.d2());
            assertArrayEquals(ref.histograms(), nn.histograms());
            assertArrayEquals(ref.raw()[0], nn.raw()[0], 1e-5f);
        }
    }
}
