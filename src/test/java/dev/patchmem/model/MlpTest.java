package dev.patchmem.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class MlpTest {

    private static NDArray[] inputs(NDManager m, int b) {
        NDArray xt = m.randomNormal(new Shape(b, 2));
        NDArray t = m.create(new int[] {0, 7, 49, 99, 3}).get("0:" + b);
        NDArray c = m.randomNormal(new Shape(b, 2));
        return new NDArray[] {xt, t, c};
    }

    @Test
    void conditionalOutputHasTheShapeOfXt() {
        try (NDManager m = NDManager.newBaseManager(); Mlp net = new Mlp(m, 2, 2, 16, 3, 8, 0)) {
            NDArray[] in = inputs(m, 5);
            NDArray out = net.forward(in[0], in[1], in[2]);
            assertEquals(new Shape(5, 2), out.getShape());
            // hidden0 (16, 2 + 2 + 8), hidden1 and hidden2 (16, 16), out (2, 16), with biases
            assertEquals(16 * 12 + 16 + 2 * (16 * 16 + 16) + 2 * 16 + 2, net.params().count());
        }
    }

    @Test
    void unconditionalOutputHasTheShapeOfXtAndRefusesAConditionItDoesNotHave() {
        try (NDManager m = NDManager.newBaseManager(); Mlp net = new Mlp(m, 2, 0, 8, 1, 4, 0)) {
            NDArray[] in = inputs(m, 3);
            assertEquals(new Shape(3, 2), net.forward(in[0], in[1], null).getShape());
            assertThrows(IllegalArgumentException.class, () -> net.forward(in[0], in[1], in[2]));
        }
        try (NDManager m = NDManager.newBaseManager(); Mlp net = new Mlp(m, 2, 2, 8, 1, 4, 0)) {
            NDArray[] in = inputs(m, 3);
            assertThrows(IllegalArgumentException.class, () -> net.forward(in[0], in[1], null));
        }
    }

    @Test
    void theSameSeedGivesTheSameNetworkAndTheOutputDependsOnTimeAndCondition() {
        try (NDManager m = NDManager.newBaseManager(); Mlp a = new Mlp(m, 2, 2, 8, 2, 4, 3);
             Mlp b = new Mlp(m, 2, 2, 8, 2, 4, 3)) {
            NDArray[] in = inputs(m, 4);
            float[] ya = a.forward(in[0], in[1], in[2]).toFloatArray();
            assertArrayEquals(ya, b.forward(in[0], in[1], in[2]).toFloatArray());
            float[] otherT = a.forward(in[0], in[1].add(1), in[2]).toFloatArray();
            float[] otherC = a.forward(in[0], in[1], in[2].add(1)).toFloatArray();
            assertEquals(false, java.util.Arrays.equals(ya, otherT));
            assertEquals(false, java.util.Arrays.equals(ya, otherC));
        }
    }

    @Test
    void badSizesAreRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(IllegalArgumentException.class, () -> new Mlp(m, 2, 2, 8, 0, 4, 0));
            assertThrows(IllegalArgumentException.class, () -> new Mlp(m, 2, 2, 8, 1, 5, 0));
            assertThrows(IllegalArgumentException.class, () -> new Mlp(m, 0, 2, 8, 1, 4, 0));
        }
    }
}
