package dev.patchmem.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.patchmem.io.NpyArray;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The named, trainable parameters of a network, in creation order. Names are stable paths
 * ("down0.res0.conv1.w") so that checkpoints, optimizer state and EMA shadows key on them.
 * Initialisation is drawn in Java from a seeded generator: identical on every engine and device.
 */
public final class Params {

    private final NDManager manager;
    private final SplittableRandom rng;
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();

    /** Parameters owned by {@code manager}, initialised from {@code seed}. */
    public Params(NDManager manager, long seed) {
        this.manager = manager;
        this.rng = new SplittableRandom(seed);
    }

    /**
     * PyTorch's default fan-in init (kaiming-uniform with a = sqrt(5)): U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
     * It trains where DJL's Xavier default diverged.
     */
    public NDArray uniform(String name, int fanIn, long... shape) {
        double bound = 1.0 / Math.sqrt(fanIn);
        float[] v = new float[Math.toIntExact(new Shape(shape).size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return add(name, v, shape);
    }

    /** A parameter filled with {@code value} (GroupNorm gains and biases, zero-initialised output layers). */
    public NDArray constant(String name, float value, long... shape) {
        float[] v = new float[Math.toIntExact(new Shape(shape).size())];
        Arrays.fill(v, value);
        return add(name, v, shape);
    }

    private NDArray add(String name, float[] values, long... shape) {
        if (arrays.containsKey(name)) {
            throw new IllegalArgumentException("duplicate parameter " + name);
        }
        NDArray a = manager.create(values, new Shape(shape));
        a.setName(name);
        a.setRequiresGradient(true);
        arrays.put(name, a);
        return a;
    }

    /** Name to array, in creation order (read-only view). */
    public Map<String, NDArray> arrays() {
        return Collections.unmodifiableMap(arrays);
    }

    /** Total number of scalar parameters. */
    public long count() {
        return arrays.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    /** A host copy of every parameter. */
    public Map<String, NpyArray> snapshot() {
        return snapshot(arrays);
    }

    /** A host copy of {@code source}. */
    public static Map<String, NpyArray> snapshot(Map<String, NDArray> source) {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        source.forEach((k, a) -> out.put(k, new NpyArray(a.getShape().getShape(), a.toFloatArray())));
        return out;
    }

    /** Overwrites every parameter with {@code values}; names and shapes must match exactly. */
    public void load(Map<String, NpyArray> values, String what) {
        copyInto(arrays, values, what);
    }

    /** Overwrites the arrays of {@code target} with {@code values}; names and shapes must match exactly. */
    public static void copyInto(Map<String, NDArray> target, Map<String, NpyArray> values, String what) {
        if (!values.keySet().equals(target.keySet())) {
            throw new IllegalArgumentException(what + " holds parameters " + diff(values.keySet(), target.keySet()));
        }
        for (Map.Entry<String, NDArray> e : target.entrySet()) {
            NpyArray v = values.get(e.getKey());
            long[] want = e.getValue().getShape().getShape();
            if (!Arrays.equals(v.shape(), want)) {
                throw new IllegalArgumentException(what + ": parameter " + e.getKey() + " has shape "
                        + Arrays.toString(v.shape()) + ", the model needs " + Arrays.toString(want));
            }
            NDArray a = e.getValue();
            try (NDArray fresh = a.getManager().create(v.data(), a.getShape())) {
                fresh.copyTo(a);
            }
        }
    }

    private static String diff(java.util.Set<String> have, java.util.Set<String> want) {
        java.util.Set<String> missing = new java.util.TreeSet<>(want);
        missing.removeAll(have);
        java.util.Set<String> extra = new java.util.TreeSet<>(have);
        extra.removeAll(want);
        return "that do not match the model (missing " + first(missing) + ", unexpected " + first(extra) + ")";
    }

    private static String first(java.util.Set<String> s) {
        return s.isEmpty() ? "none" : s.size() <= 3 ? s.toString() : s.stream().limit(3).toList() + " and "
                + (s.size() - 3) + " more";
    }
}
