package dev.patchmem.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.patchmem.io.NpyArray;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The packed parameter vector: views that share its storage, gradients, loads and layout. */
class ParamsTest {

    @Test
    void packedParametersAreViewsOfOneVector() {
        try (NDManager m = NDManager.newBaseManager()) {
            Params p = new Params(m, 3);
            NDArray w = p.uniform("w", 4, 2, 3);
            NDArray b = p.constant("b", 0.5f, 3);
            float[] before = concat(w.toFloatArray(), b.toFloatArray());

            NDArray flat = p.flat();
            assertSame(flat, p.flat(), "packed once");
            assertArrayEquals(before, flat.toFloatArray(), "the vector holds the parameters in creation order");
            assertSame(w, p.arrays().get("w"), "layers keep their array objects");
            assertArrayEquals(new long[] {2, 3}, w.getShape().getShape());

            flat.addi(1);                                   // an in-place update of the vector ...
            assertEquals(before[0] + 1, w.toFloatArray()[0], 1e-6);      // ... is seen through every view
            assertEquals(1.5f, b.toFloatArray()[2], 1e-6);

            assertThrows(IllegalStateException.class, () -> p.constant("late", 0, 1));
        }
    }

    @Test
    void theGradientVectorMatchesEachParametersGradientAndResetsThem() {
        try (NDManager m = NDManager.newBaseManager()) {
            Params p = new Params(m, 5);
            NDArray w = p.uniform("w", 3, 3);
            NDArray b = p.uniform("b", 3, 2);
            p.flat();
            for (int round = 0; round < 2; round++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(w.square().sum().add(b.mul(3f).sum()));   // d/dw = 2w, d/db = 3
                }
                try (NDManager sm = m.newSubManager()) {
                    float[] g = p.flatGradient(sm).toFloatArray();
                    float[] wv = w.toFloatArray();
                    for (int i = 0; i < 3; i++) {
                        assertEquals(2 * wv[i], g[i], 1e-6, "round " + round + " w[" + i + "]");
                    }
                    assertEquals(3f, g[3], 1e-6, "round " + round + ": gradients do not accumulate across steps");
                    assertEquals(3f, g[4], 1e-6);
                }
            }
        }
    }

    @Test
    void loadWritesThroughTheViewsAndSplitJoinRoundTrip() {
        try (NDManager m = NDManager.newBaseManager()) {
            Params p = new Params(m, 7);
            NDArray w = p.uniform("w", 4, 2, 2);
            NDArray b = p.uniform("b", 4, 2);
            NDArray flat = p.flat();
            Map<String, NpyArray> values = new LinkedHashMap<>();
            values.put("w", new NpyArray(new long[] {2, 2}, new float[] {1, 2, 3, 4}));
            values.put("b", new NpyArray(new long[] {2}, new float[] {5, 6}));
            p.load(values, "test values");
            assertArrayEquals(new float[] {1, 2, 3, 4}, w.toFloatArray());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, flat.toFloatArray());
            flat.muli(2);
            assertArrayEquals(new float[] {10, 12}, b.toFloatArray(), "views still share the vector after a load");
            assertEquals(values, p.split(p.join(values, "x")));
            assertEquals(p.snapshot().get("b"), new NpyArray(new long[] {2}, new float[] {10, 12}));

            values.put("b", new NpyArray(new long[] {3}, new float[] {5, 6, 7}));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.load(values, "bad.npz"));
            assertTrue(e.getMessage().contains("bad.npz") && e.getMessage().contains("b"), e.getMessage());
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
