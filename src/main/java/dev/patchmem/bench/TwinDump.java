package dev.patchmem.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.patchmem.config.Json;
import dev.patchmem.config.ModelConfig;
import dev.patchmem.io.Npy;
import dev.patchmem.io.NpyArray;
import dev.patchmem.io.Npz;
import dev.patchmem.model.UNet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes U-Nets with random weights, an input and the Java output, for bench/peer/twin_check.py to
 * load into the PyTorch twin and compare: the check that the twin has the same layers in the same
 * order, not just the same parameter count. Not a subcommand; bench/run.sh runs it as
 * {@code java -cp target/patchmem.jar dev.patchmem.bench.TwinDump DIR}.
 */
public final class TwinDump {

    private TwinDump() {
    }

    /** The presets' shapes plus one with two residual blocks per level and attention. */
    static final Map<String, ModelConfig> MODELS = Map.of(
            "tiny", new ModelConfig("models/unet-tiny.json", 16, List.of(1, 2), 1, false, 8),
            "small", new ModelConfig("models/unet-small.json", 32, List.of(1, 2), 1, false, 8),
            "attention", new ModelConfig("", 8, List.of(1, 2, 2), 2, true, 4));

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: TwinDump DIR");
            System.exit(2);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            for (Map.Entry<String, ModelConfig> e : MODELS.entrySet()) {
                write(m, e.getValue(), 16, Path.of(args[0], e.getKey()));
            }
        }
    }

    /** Random weights (N(0, 0.2^2), the zero-initialised output layer included), input, output. */
    static void write(NDManager parent, ModelConfig cfg, int patch, Path dir) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom r = new SplittableRandom(11);
        try (NDManager m = parent.newSubManager(); UNet net = new UNet(m, cfg, patch, 0)) {
            Map<String, NpyArray> weights = new LinkedHashMap<>();
            net.params().snapshot().forEach((k, a) -> weights.put(k, gaussian(r, 0.2, a.shape())));
            net.params().load(weights, "random weights");
            int b = 3;
            NpyArray xt = gaussian(r, 1, new long[] {b, 3, patch, patch});
            NpyArray c = gaussian(r, 1, new long[] {b, 3, patch / 2, patch / 2});
            int[] t = {0, 17, 99};
            NDArray out = net.forward(m.create(xt.data(), new Shape(xt.shape())), m.create(t),
                    m.create(c.data(), new Shape(c.shape())));
            Npz.write(dir.resolve("params.npz"), weights);
            Npy.write(dir.resolve("xt.npy"), xt);
            Npy.write(dir.resolve("c.npy"), c);
            Npy.write(dir.resolve("t.npy"), new float[] {t[0], t[1], t[2]}, b);
            Npy.write(dir.resolve("out.npy"), out.toFloatArray(), out.getShape().getShape());
            Json.write(dir.resolve("model.json"), Map.of("channels", cfg.channels(), "channelMult", cfg.channelMult(),
                    "resBlocks", cfg.resBlocks(), "attention", cfg.attention(), "groups", cfg.groups(), "patch", patch));
        }
    }

    private static NpyArray gaussian(SplittableRandom r, double std, long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * std);
        }
        return new NpyArray(shape, v);
    }
}
