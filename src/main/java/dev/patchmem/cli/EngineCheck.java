package dev.patchmem.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.training.GradientCollector;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Loads DJL's PyTorch engine and runs a matrix product and a convolution, forward and backward, on one
 * device: the check that an installation (a Docker image above all) has a working libtorch for that
 * device. Not a subcommand; run it as
 * {@code java -cp target/patchmem.jar dev.patchmem.cli.EngineCheck [cpu|gpu|auto]}
 * (docker/check-gpu.sh does so in the GPU image). Prints what it found, one fact a line, and exits 0 when
 * the device computed correct results, 1 when it did not, 2 on bad usage.
 */
public final class EngineCheck {

    private EngineCheck() {
    }

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs the check; {@code args} is empty or one of cpu, gpu, auto (gpu when the engine sees one). */
    public static int run(PrintStream out, PrintStream err, String... args) {
        if (args.length > 1 || (args.length == 1 && !args[0].matches("cpu|gpu|auto"))) {
            err.println("usage: EngineCheck [cpu|gpu|auto]");
            return 2;
        }
        String want = args.length == 0 ? "auto" : args[0];
        try {
            Engine engine = Engine.getEngine("PyTorch");
            out.println("engine: " + engine.getEngineName() + " " + engine.getVersion());
            out.println("libtorch: " + LibUtils.getLibtorchPath());
            out.println("PYTORCH_FLAVOR=" + env("PYTORCH_FLAVOR") + " PYTORCH_VERSION=" + env("PYTORCH_VERSION")
                    + " DJL_CACHE_DIR=" + env("DJL_CACHE_DIR"));
            out.println("manifest flavor: " + manifestFlavor());
            int gpus = engine.getGpuCount();
            out.println("gpus: " + gpus);
            for (int i = 0; i < gpus; i++) {
                out.println("gpu " + i + ": compute capability " + CudaUtils.getComputeCapability(i) + ", "
                        + CudaUtils.getGpuMemory(Device.gpu(i)).getMax() / (1L << 20) + " MiB");
            }
            if ("gpu".equals(want) && gpus == 0) {
                err.println("EngineCheck: no GPU visible to the engine (libtorch " + LibUtils.getLibtorchPath()
                        + "); a CPU libtorch, no --gpus for the container, or no NVIDIA driver");
                return 1;
            }
            Device device = "cpu".equals(want) || gpus == 0 ? Device.cpu() : Device.gpu();
            long t0 = System.nanoTime();
            String result = compute(engine, device);
            out.printf(Locale.ROOT, "device %s: %s (%.0f ms)%n", device, result, (System.nanoTime() - t0) / 1e6);
            return result.startsWith("ok") ? 0 : 1;
        } catch (RuntimeException | LinkageError e) {
            err.println("EngineCheck: " + Main.oneLine(e));
            if ("1".equals(System.getenv("PATCHMEM_DEBUG"))) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    /** A matrix product and a 3x3 convolution with its gradient on {@code device}, checked against exact values. */
    private static String compute(Engine engine, Device device) {
        try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
            // ones(64, 128) x ones(128, 32) is 128 everywhere.
            NDArray product = manager.ones(new Shape(64, 128)).matMul(manager.ones(new Shape(128, 32)));
            if (!product.getDevice().equals(device)) {
                return "FAILED: the product landed on " + product.getDevice();
            }
            float productError = product.sub(128f).abs().max().getFloat();
            // conv2d of ones(2, 3, 8, 8) with ones(4, 3, 3, 3), padding 1: 27 inside, fewer at the border;
            // d(sum of outputs)/d(weight) per weight element is the count of input ones it meets.
            NDArray x = manager.ones(new Shape(2, 3, 8, 8));
            NDArray w = manager.ones(new Shape(4, 3, 3, 3));
            w.setRequiresGradient(true);
            NDArray y;
            try (GradientCollector collector = engine.newGradientCollector()) {
                y = Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(1, 1)).singletonOrThrow();
                collector.backward(y.sum());
            }
            float centre = y.get(0, 0, 4, 4).getFloat();
            float corner = y.get(1, 3, 0, 0).getFloat();
            NDArray grad = w.getGradient();
            float gradCentre = grad.get(0, 0, 1, 1).getFloat();
            float gradCorner = grad.get(3, 2, 0, 0).getFloat();
            boolean ok = productError == 0f && centre == 27f && corner == 12f
                    && gradCentre == 2 * 64f && gradCorner == 2 * 49f;
            return String.format(Locale.ROOT, "%s (matmul, conv2d forward %s/%s, backward %s/%s)",
                    ok ? "ok" : "FAILED: wrong values", centre, corner, gradCentre, gradCorner);
        }
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null ? "(unset)" : v;
    }

    /** Patchmem-Flavor from the manifest of the jar this class was loaded from (cpu or cuda, set by the Maven profile). */
    private static String manifestFlavor() {
        try {
            Path source = Path.of(EngineCheck.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(source)) {
                try (JarFile jar = new JarFile(source.toFile())) {
                    Manifest manifest = jar.getManifest();
                    String flavor = manifest == null ? null : manifest.getMainAttributes().getValue("Patchmem-Flavor");
                    if (flavor != null) {
                        return flavor;
                    }
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return "(unknown: " + Main.oneLine(e) + ")";
        }
        return "(not run from the patchmem jar)";
    }
}
