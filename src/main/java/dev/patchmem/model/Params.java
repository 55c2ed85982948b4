package dev.patchmem.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
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
 *
 * <p>For training, {@link #flat()} packs every parameter into one contiguous vector, in creation
 * order, and makes each named array a view of its slice: the optimizer, the EMA and the gradient norm
 * then run a handful of whole-vector ops per step instead of a handful per parameter (the U-Nets
 * have 100 to 300 parameters, and libtorch's per-op cost dominates small steps).
 */
public final class Params {

    private final NDManager manager;
    private final SplittableRandom rng;
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();
    private NDArray flat;

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
        if (flat != null) {
            throw new IllegalStateException("parameter " + name + " added after the parameters were packed");
        }
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

    /**
     * All parameters as one vector (P,) in creation order, packed on first use: afterwards every named
     * array is a view of its slice (same Java object, new storage), so writing the vector in place
     * updates the network. The vector itself takes no gradient; each view does.
     */
    public NDArray flat() {
        if (flat == null) {
            NDList parts = new NDList();
            arrays.values().forEach(a -> parts.add(a.reshape(-1)));
            flat = NDArrays.concat(parts).stopGradient();
            parts.forEach(NDArray::close);
            long at = 0;
            for (NDArray a : arrays.values()) {
                long n = a.getShape().size();
                // Slice, reshape and detach share the vector's storage; the detached view is a leaf of its own.
                NDArray view = flat.get(new NDIndex().addSliceDim(at, at + n)).reshape(a.getShape()).stopGradient();
                view.setRequiresGradient(true);
                a.intern(view);
                at += n;
            }
        }
        return flat;
    }

    /**
     * The gradients of all parameters as one vector (P,) owned by {@code m}, in the order of
     * {@link #flat()}; the parameters' own gradients are then zeroed for the next backward pass.
     */
    public NDArray flatGradient(NDManager m) {
        NDList parts = new NDList();
        for (NDArray a : arrays.values()) {
            NDArray g = a.getGradient();
            g.attach(m);
            parts.add(g.reshape(-1));
        }
        NDArray out = NDArrays.concat(parts);
        out.attach(m);
        arrays.values().forEach(a -> JniUtils.zeroGrad((PtNDArray) a));
        return out;
    }

    /** Splits a vector laid out as {@link #flat()} into named host arrays. */
    public Map<String, NpyArray> split(float[] values) {
        if (values.length != count()) {
            throw new IllegalArgumentException("a vector of " + values.length + " values for " + count() + " parameters");
        }
        Map<String, NpyArray> out = new LinkedHashMap<>();
        int at = 0;
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            int n = Math.toIntExact(e.getValue().getShape().size());
            out.put(e.getKey(), new NpyArray(e.getValue().getShape().getShape(), Arrays.copyOfRange(values, at, at + n)));
            at += n;
        }
        return out;
    }

    /**
     * Joins named host arrays into one vector laid out as {@link #flat()}; names and shapes must match
     * the parameters exactly ({@code what} names the source in the error).
     */
    public float[] join(Map<String, NpyArray> values, String what) {
        check(arrays, values, what);
        float[] out = new float[Math.toIntExact(count())];
        int at = 0;
        for (String k : arrays.keySet()) {
            float[] v = values.get(k).data();
            System.arraycopy(v, 0, out, at, v.length);
            at += v.length;
        }
        return out;
    }

    /** Total number of scalar parameters. */
    public long count() {
        return arrays.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    /** A host copy of every parameter. */
    public Map<String, NpyArray> snapshot() {
        return flat == null ? snapshot(arrays) : split(flat.toFloatArray());
    }

    /** A host copy of {@code source}. */
    public static Map<String, NpyArray> snapshot(Map<String, NDArray> source) {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        source.forEach((k, a) -> out.put(k, new NpyArray(a.getShape().getShape(), a.toFloatArray())));
        return out;
    }

    /** Overwrites every parameter with {@code values}; names and shapes must match exactly. */
    public void load(Map<String, NpyArray> values, String what) {
        if (flat == null) {
            copyInto(arrays, values, what);
        } else {
            write(flat, join(values, what));
        }
    }

    /**
     * Copies {@code values} into the vector {@code target} in place. An indexed write keeps the
     * storage; NDArray.set and copyTo rebind it, which would cut a packed vector loose from its views.
     */
    public static void write(NDArray target, float[] values) {
        try (NDArray fresh = target.getManager().create(values, target.getShape())) {
            target.set(new NDIndex().addSliceDim(0, target.size()), fresh);
        }
    }

    /** Overwrites the arrays of {@code target} with {@code values}; names and shapes must match exactly. */
    public static void copyInto(Map<String, NDArray> target, Map<String, NpyArray> values, String what) {
        check(target, values, what);
        for (Map.Entry<String, NDArray> e : target.entrySet()) {
            NpyArray v = values.get(e.getKey());
            NDArray a = e.getValue();
            try (NDArray fresh = a.getManager().create(v.data(), a.getShape())) {
                fresh.copyTo(a);
            }
        }
    }

    private static void check(Map<String, NDArray> target, Map<String, NpyArray> values, String what) {
        if (!values.keySet().equals(target.keySet())) {
            throw new IllegalArgumentException(what + " holds parameters " + diff(values.keySet(), target.keySet()));
        }
        for (Map.Entry<String, NDArray> e : target.entrySet()) {
            long[] have = values.get(e.getKey()).shape();
            long[] want = e.getValue().getShape().getShape();
            if (!Arrays.equals(have, want)) {
                throw new IllegalArgumentException(what + ": parameter " + e.getKey() + " has shape "
                        + Arrays.toString(have) + ", the model needs " + Arrays.toString(want));
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
