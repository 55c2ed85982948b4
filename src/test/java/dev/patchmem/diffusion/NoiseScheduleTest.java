package dev.patchmem.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NoiseScheduleTest {

    private static double f(double u, double s) {
        double c = Math.cos((u + s) / (1 + s) * Math.PI / 2);
        return c * c;
    }

    @Test
    void cosineAlphaBarIsTheClosedFormRatio() {
        int steps = 100;
        NoiseSchedule s = NoiseSchedule.cosine(steps, 0.008);
        for (int t = 0; t < steps - 1; t++) {       // the last beta is clipped at 0.999
            assertEquals(f((t + 1.0) / steps, 0.008) / f(0, 0.008), s.alphaBar(t), 1e-12, "t=" + t);
        }
        assertTrue(s.alphaBar(steps - 1) < 1e-4, "fully noised at T");
    }

    @Test
    void linearEndpointsAndProduct() {
        NoiseSchedule s = NoiseSchedule.linear(1000, 1e-4, 0.02);
        assertEquals(1e-4, s.betas()[0], 1e-15);
        assertEquals(0.02, s.betas()[999], 1e-15);
        double prod = 1;
        for (int t = 0; t < 1000; t++) {
            prod *= 1 - s.betas()[t];
            assertEquals(prod, s.alphaBar(t), 1e-12);
        }
        // Fewer steps cover the same noise range: betas scale with 1000 / T.
        NoiseSchedule short100 = NoiseSchedule.linear(100, 1e-4, 0.02);
        assertEquals(1e-3, short100.betas()[0], 1e-15);
        assertEquals(0.2, short100.betas()[99], 1e-12);
    }

    @Test
    void alphaBarDecreasesStrictlyWithinTheUnitInterval() {
        for (NoiseSchedule s : new NoiseSchedule[] {NoiseSchedule.cosine(50, 0.008), NoiseSchedule.linear(50, 1e-4, 0.02)}) {
            assertEquals(1.0, s.alphaBarPrev(0));
            for (int t = 0; t < s.steps(); t++) {
                assertTrue(s.alphaBar(t) > 0 && s.alphaBar(t) < s.alphaBarPrev(t), "t=" + t);
            }
        }
    }

    @Test
    void samplerTimestepsSpanTheScheduleEvenly() {
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 33, 66, 99}, Sampler.timesteps(100, 4));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {99}, Sampler.timesteps(100, 1));
        int[] all = Sampler.timesteps(10, 10);
        for (int i = 0; i < 10; i++) {
            assertEquals(i, all[i]);
        }
    }
}
