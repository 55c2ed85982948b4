package dev.patchmem.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MemorizationTest {

    @Test
    void ratioAndThreshold() {
        assertEquals(0.25, Memorization.ratio(0.1, 0.4));
        assertTrue(Memorization.memorized(Memorization.ratio(0.1, 0.4)));
        assertFalse(Memorization.memorized(Memorization.ratio(1, 3)));
        assertTrue(Memorization.memorized(Memorization.ratio(0, 0.2)));
    }

    @Test
    void zeroSecondDistanceGivesRatioOne() {
        assertEquals(1.0, Memorization.ratio(0, 0));
        assertFalse(Memorization.memorized(Memorization.ratio(0, 0)));
        assertThrows(IllegalArgumentException.class, () -> Memorization.ratio(0.5, 0.2));
    }

    @Test
    void binsCoverZeroToMaxAndCountOverflowInTheLastBin() {
        DistanceBins bins = new DistanceBins(4, 2.0);
        assertArrayEquals(new float[] {0, 0.5f, 1, 1.5f, 2}, bins.edges());
        assertEquals(0, bins.index(0));
        assertEquals(0, bins.index(-1e-9));
        assertEquals(1, bins.index(0.5));
        assertEquals(3, bins.index(1.99));
        assertEquals(3, bins.index(2.0));
        assertEquals(3, bins.index(1e9));
        assertThrows(IllegalArgumentException.class, () -> new DistanceBins(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new DistanceBins(3, Double.NaN));
    }
}
