package dev.patchmem.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RowScanTest {

    @Test
    void binsMatchTheDefinitionWithAndWithoutTheTable() {
        int d = 768;
        SplittableRandom rng = new SplittableRandom(1);
        for (int b : new int[] {1, 7, 64, RowScan.MAX_TABLE_BINS, RowScan.MAX_TABLE_BINS + 44}) {
            DistanceBins bins = new DistanceBins(b, 1.5);
            int n = 1001;
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) ((rng.nextDouble() * 2.2 - 0.1) * 2.0 * d); // some negative, some beyond binMax
            }
            RowScan scan = new RowScan(1, 2, bins, d, new int[0], n);
            scan.scan(FloatBuffer.wrap(v), 0, 1, 0, n);
            int[] want = new int[b];
            for (float x : v) {
                want[bins.index(Math.sqrt(Math.max(x, 0) / d))]++;
            }
            assertArrayEquals(want, scan.histograms(), "bins " + b);
        }
    }

    @Test
    void candidatesKeepTheSmallestAndTheLowerIndexAmongEquals() {
        float[] block1 = {5, 3, 3, 9, 1, 3};
        float[] block2 = {1, 0.5f, 3};
        RowScan scan = new RowScan(1, 4, new DistanceBins(4, 1), 1, new int[0], 9);
        scan.scan(FloatBuffer.wrap(block1), 0, 1, 0, block1.length);
        scan.scan(FloatBuffer.wrap(block2), 0, 1, 6, block2.length);
        assertArrayEquals(new int[] {7, 4, 6, 1}, scan.candidates(0));
        assertEquals(9, java.util.Arrays.stream(scan.histograms()).sum());
    }
}
