package dev.patchmem.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PatchesTest {

    @Test
    void gridCountIsTheNumberOfCropsThatFit() {
        assertEquals(1, Patches.gridCount(32, 32, 16));
        assertEquals(0, Patches.gridCount(31, 32, 16));
        assertEquals(2, Patches.gridCount(48, 32, 16));
        assertEquals(2, Patches.gridCount(63, 32, 16));
        assertEquals(27, Patches.gridCount(451, 32, 16));
        assertEquals(6, Patches.gridCount(37, 8, 5)); // x = 0, 5, ..., 25; 30 + 8 > 37
    }

    @Test
    void gridCountAgreesWithCountingOffsets() {
        for (int size = 0; size < 80; size++) {
            for (int patch = 2; patch <= 20; patch += 2) {
                for (int stride = 1; stride <= 12; stride++) {
                    int n = 0;
                    for (int x = 0; x + patch <= size; x += stride) {
                        n++;
                    }
                    assertEquals(n, Patches.gridCount(size, patch, stride), size + " " + patch + " " + stride);
                }
            }
        }
    }

    @Test
    void cropTakesEachPlaneAtTheOffset() {
        int w = 5;
        int h = 4;
        float[] px = new float[3 * w * h];
        for (int i = 0; i < px.length; i++) {
            px[i] = i;
        }
        Image img = new Image("t", w, h, px);
        float[] p = Patches.crop(img, 3, 1, 2);
        // plane c, row y, column x of the image is c * 20 + y * 5 + x
        assertArrayEquals(new float[] {8, 9, 13, 14, 28, 29, 33, 34, 48, 49, 53, 54}, p);
    }

    @Test
    void downsampleIsTheTwoByTwoMean() {
        float[] hr = new float[3 * 4 * 4];
        for (int i = 0; i < hr.length; i++) {
            hr[i] = i;
        }
        float[] lr = Patches.downsample(hr, 4);
        // plane 0: rows 0-1 cols 0-1 are 0, 1, 4, 5 -> 2.5; cols 2-3 -> 4.5; rows 2-3 -> 10.5, 12.5; planes add 16
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f, 18.5f, 20.5f, 26.5f, 28.5f, 34.5f, 36.5f, 42.5f,
            44.5f}, lr);
    }

    @Test
    void stdIsThePopulationStandardDeviation() {
        assertEquals(0.0, Patches.std(new float[] {0.3f, 0.3f, 0.3f, 0.3f}), 1e-12);
        assertEquals(1.0, Patches.std(new float[] {-1, 1, -1, 1}), 1e-12);
        assertEquals(Math.sqrt(1.25), Patches.std(new float[] {0, 1, 2, 3}), 1e-12);
    }
}
