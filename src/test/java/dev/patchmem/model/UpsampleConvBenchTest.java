package dev.patchmem.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The U-Net's upsampling layer two ways, alternated in one process: nearest upsampling then the 3x3
 * convolution, and the sub-pixel form {@link TorchOps#upsampleConv3x3}, forward and backward (as in
 * a training step) and forward alone (as in sampling), at the shapes of the tiny and the small
 * U-Net's layer with batch 32. Tagged "bench" and excluded from the default build; run it with
 * {@code mvn -o test -Dtest=UpsampleConvBenchTest -DexcludedGroups=none -Dtest.ompWaitPolicy=ACTIVE}
 * (under the tests' PASSIVE policy every extra operator pays a thread wake-up that bin/patchmem's runs do not).
 */
@Tag("bench")
class UpsampleConvBenchTest {

    private static final int ROUNDS = 12;
    private static final int WARMUP_ROUNDS = 2;
    private static final int CALLS = 20;

    @Test
    void subPixelAgainstUpsampleThenConvolve() {
        StringBuilder table = new StringBuilder("layer input        pass       direct ms  sub-pixel ms  ratio\n");
        for (int[] s : new int[][] {{32, 32, 8}, {32, 32, 16}, {32, 64, 8}, {32, 64, 16}}) {
            for (boolean backward : new boolean[] {true, false}) {
                double[] ms = time(s[0], s[1], s[2], backward);
                assertTrue(ms[0] > 0 && ms[1] > 0);
                table.append(String.format(Locale.ROOT, "%-18s %-10s %9.2f %13.2f %6.2f%n",
                        s[0] + "x" + s[1] + "x" + s[2] + "x" + s[2], backward ? "fwd+bwd" : "forward", ms[0], ms[1],
                        ms[1] / ms[0]));
            }
        }
        System.out.print(table);
    }

    /** Mean ms per call of {direct, sub-pixel} over the timed rounds, alternating the two. */
    private static double[] time(int n, int c, int h, boolean backward) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(n, c, h, h));
            NDArray w = m.randomNormal(new Shape(c, c, 3, 3));
            NDArray b = m.randomNormal(new Shape(c));
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            Layers.Conv conv = new Layers.Conv(w, b, 1, 1);
            Function<NDArray, NDArray> direct = in -> conv.apply(Layers.upsampleNearest(in));
            Function<NDArray, NDArray> subPixel = in -> TorchOps.upsampleConv3x3(in, w, b);
            double[] total = new double[2];
            for (int round = 0; round < ROUNDS; round++) {
                int i = 0;
                for (Function<NDArray, NDArray> op : List.of(direct, subPixel)) {
                    long t0 = System.nanoTime();
                    for (int k = 0; k < CALLS; k++) {
                        call(m, x, op, backward);
                    }
                    if (round >= WARMUP_ROUNDS) {
                        total[i] += (System.nanoTime() - t0) / 1e6 / CALLS;
                    }
                    i++;
                }
            }
            return new double[] {total[0] / (ROUNDS - WARMUP_ROUNDS), total[1] / (ROUNDS - WARMUP_ROUNDS)};
        }
    }

    private static void call(NDManager m, NDArray x, Function<NDArray, NDArray> op, boolean backward) {
        try (NDManager step = m.newSubManager()) {
            // Results belong to their first operand's manager: a copy of x in this call's manager frees them.
            NDArray in = x.duplicate();
            in.attach(step);
            if (backward) {
                in.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(op.apply(in).sum());
                }
            } else {
                op.apply(in);
            }
        }
    }
}
