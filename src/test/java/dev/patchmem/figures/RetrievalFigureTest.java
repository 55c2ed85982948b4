package dev.patchmem.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.patchmem.io.NpyArray;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetrievalFigureTest {

    @Test
    void aConditionWithoutMemorizedSamplesIsLeftOutNotDrawnAtZero() {
        // Three conditions over three training patches; condition 1 retrieved nothing.
        NpyArray w = new NpyArray(new long[] {3, 3}, new float[] {
            0.7f, 0.3f, 0f,
            0.3f, 0.7f, 0f,
            0f, 0f, 1f});
        NpyArray f = new NpyArray(new long[] {3, 3}, new float[] {
            0.75f, 0.25f, 0f,
            0f, 0f, 0f,
            0f, 0.5f, 0.5f});
        RetrievalFigure.Points p = RetrievalFigure.points(w, f);
        assertEquals(3, p.conditions());
        assertEquals(1, p.leftOut());
        assertEquals(List.of(new RetrievalFigure.Point(0, 0, 0.7f, 0.75f), new RetrievalFigure.Point(0, 1, 0.3f, 0.25f),
                new RetrievalFigure.Point(2, 1, 0f, 0.5f), new RetrievalFigure.Point(2, 2, 1f, 0.5f)), p.points());
    }
}
