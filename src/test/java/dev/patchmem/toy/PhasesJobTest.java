package dev.patchmem.toy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchmem.toy.PhasesJob.Phase;
import dev.patchmem.toy.PhasesJob.Point;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhasesJobTest {

    private static final PhasesJob.Reference REF = new PhasesJob.Reference(-2.1, 0.1, 0.25, -2.2);
    private static final ToyConfig.Phases P = ToyConfig.Phases.DEFAULT;   // tolerance 0.15, 0.5, 0.95

    @Test
    void checkpointsAreLabelledByLogLikelihoodAndMemorizedFraction() {
        assertEquals(Phase.UNDERFIT, PhasesJob.classify(-4.0, 0.05, REF, P));
        assertEquals(Phase.UNDERFIT, PhasesJob.classify(-2.3, 0.4, REF, P));
        assertEquals(Phase.MEMORIZING, PhasesJob.classify(-2.6, 0.6, REF, P));
        assertEquals(Phase.GENERALIZING, PhasesJob.classify(-2.0, 0.2, REF, P));
        assertEquals(Phase.GENERALIZING, PhasesJob.classify(-2.24, 0.5, REF, P));
        assertEquals(Phase.MEMORIZING, PhasesJob.classify(-2.1, 0.7, REF, P));
        assertEquals(Phase.MEMORIZED, PhasesJob.classify(-2.6, 0.95, REF, P));
        assertEquals(Phase.OTHER, PhasesJob.classify(-1.5, 0.2, REF, P));
        assertEquals(Phase.MEMORIZED, PhasesJob.classify(-1.5, 0.97, REF, P));
    }

    @Test
    void allThreePhasesMustComeInOrder() {
        assertTrue(PhasesJob.inOrder(points(Phase.UNDERFIT, Phase.GENERALIZING, Phase.MEMORIZING, Phase.MEMORIZED)));
        assertTrue(PhasesJob.inOrder(points(Phase.UNDERFIT, Phase.GENERALIZING, Phase.UNDERFIT, Phase.MEMORIZED)));
        assertFalse(PhasesJob.inOrder(points(Phase.GENERALIZING, Phase.UNDERFIT, Phase.MEMORIZED)));
        assertFalse(PhasesJob.inOrder(points(Phase.UNDERFIT, Phase.MEMORIZED, Phase.GENERALIZING)));
        assertFalse(PhasesJob.inOrder(points(Phase.UNDERFIT, Phase.MEMORIZING)));
    }

    private static List<Point> points(Phase... phases) {
        return java.util.stream.IntStream.range(0, phases.length)
                .mapToObj(i -> new Point(100 * (i + 1), 0, 0, 0, phases[i])).toList();
    }
}
