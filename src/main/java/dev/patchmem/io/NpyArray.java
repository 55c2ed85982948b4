package dev.patchmem.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * A float32 array in C order with its shape: the in-memory twin of a NumPy {@code .npy} file.
 *
 * @param shape dimensions, each non-negative
 * @param data values in C (row-major) order; its length is the product of {@code shape}
 */
public record NpyArray(long[] shape, float[] data) {

    public NpyArray {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (n != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " holds " + n + " values, data has " + data.length);
        }
        shape = shape.clone();
    }

    /** Number of values per leading index: the product of all dimensions but the first. */
    public int rowSize() {
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return Math.toIntExact(n);
    }

    /** Leading dimension (0 for a scalar). */
    public int rows() {
        return shape.length == 0 ? 1 : Math.toIntExact(shape[0]);
    }

    /** A copy of row {@code i} (all values with leading index {@code i}). */
    public float[] row(int i) {
        int d = rowSize();
        return Arrays.copyOfRange(data, i * d, (i + 1) * d);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray other && Arrays.equals(shape, other.shape) && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "NpyArray" + Arrays.toString(shape);
    }
}
