package dev.patchmem.figures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class ToyPhasesFigureTest {

    @Test
    void scatterPanelsShowEveryTrainingPointWithAMargin() {
        // (x1, x2) pairs; one point at x1 = 3.6 lay outside the fixed [-2.5, 2.5] view.
        float[] train = {3.6f, 2.7f, -1f, 3.1f, -2.6f, -2.1f};
        assertArrayEquals(new double[] {-3.6, 4.6}, ToyPhasesFigure.frame(train), 1e-6);
    }

    @Test
    void pointsWellInsideKeepTheDefaultView() {
        assertArrayEquals(new double[] {-2.5, 2.5}, ToyPhasesFigure.frame(new float[] {0f, 1f, -1f, 0.5f}),
                1e-6);
    }
}
