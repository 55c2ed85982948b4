package dev.patchmem.diffusion;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.patchmem.io.NpyArray;
import dev.patchmem.kernel.ClosedFormDenoiser;
import dev.patchmem.kernel.PosteriorWeights;
import dev.patchmem.kernel.TrainingPairs;
import dev.patchmem.toy.ToyData;
import dev.patchmem.toy.ToyMetrics;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ancestral DDPM sampling of the closed-form denoiser retrieves training target i with probability
 * P(i | c) (DESIGN.md): a chi-square goodness-of-fit test of the retrieval counts of 4000 samples
 * against P at level 0.001, outcomes with an expected count below 5 pooled.
 */
class ClosedFormSamplingTest {

    /** Upper 0.001 quantiles of chi-square with 1..7 degrees of freedom (standard tables). */
    private static final double[] CHI2_999 = {10.828, 13.816, 16.266, 18.467, 20.515, 22.458, 24.322};

    @ParameterizedTest
    @CsvSource({"0.6, 0.3, 0.1", "0.3, 0.883, 0.283", "0.15, -0.354, 0.854", "1.0, 0.0, 0.0"})
    void ddpmOnTheClosedFormDenoiserReproducesThePosteriorWeights(double sigma, float cx, float cy) {
        int perCondition = 4000;
        NpyArray x = ToyData.circle(8, 1.0);
        NpyArray c = new NpyArray(new long[] {1, 2}, new float[] {cx, cy});
        NoiseSchedule schedule = NoiseSchedule.cosine(100, 0.008);
        try (NDManager m = NDManager.newBaseManager(); TrainingPairs pairs = new TrainingPairs(m, x, x, 4)) {
            float[] w = PosteriorWeights.compute(pairs, c, sigma, true).weights();
            ClosedFormDenoiser d = new ClosedFormDenoiser(schedule, pairs, sigma);
            NpyArray samples = Generate.samples(d, schedule, new Sampler.Ddpm(100), c, 0, new Shape(2), perCondition,
                    11, 2000, m, null);
            ToyMetrics.Nearest nn = ToyMetrics.nearest(samples, x);
            double[] f = ToyMetrics.frequencies(nn.i1(), 0, perCondition, 8);
            double chi2 = 0;
            int bins = 0;
            double pooledObserved = 0;
            double pooledExpected = 0;
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                double expected = w[i] * perCondition;
                double observed = f[i] * perCondition;
                cells.add(String.format("%.0f/%.1f", observed, expected));
                if (expected < 5) {
                    pooledObserved += observed;
                    pooledExpected += expected;
                } else {
                    chi2 += (observed - expected) * (observed - expected) / expected;
                    bins++;
                }
            }
            if (pooledExpected >= 5) {
                chi2 += (pooledObserved - pooledExpected) * (pooledObserved - pooledExpected) / pooledExpected;
                bins++;
            } else {
                assertTrue(pooledObserved <= 5 + 5 * pooledExpected, "pooled rare outcomes drawn " + pooledObserved
                        + " times, expected " + pooledExpected);
            }
            assertTrue(bins >= 2, "at least two outcomes with an expected count of 5");
            double critical = CHI2_999[bins - 2];
            assertTrue(chi2 < critical, "chi-square " + chi2 + " >= " + critical + " (df " + (bins - 1)
                    + "), observed/expected: " + cells);
            assertTrue(nn.memorizedFraction(0, perCondition) > 0.99, "samples land on training targets");
        }
    }
}
