package dev.patchmem.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * libtorch operators that DJL 0.36 does not bind, reached through tiny TorchScript modules: SiLU and
 * GroupNorm. DJL can only compose them from other ops (x * sigmoid(x); layer norm, then gain and
 * bias), which costs six to eight elementwise passes per layer forward and backward where libtorch's
 * own kernels take one each way; in the U-Net's training step that was the largest cost outside
 * the convolutions.
 *
 * <p>Each module is written here as TorchScript source in a serialized-module archive (a zip of the
 * code, a two-line pickle of the module object and the format version) and loaded once per process
 * with DJL's TorchScript loader. The modules hold no tensors, so they run on whatever device their
 * inputs are on, and autograd records their ops like any other: their gradients are libtorch's.
 */
public final class TorchOps {

    private static final Map<String, PtSymbolBlock> MODULES = new ConcurrentHashMap<>();
    private static final NDManager OWNER = NDManager.newBaseManager();

    static {
        // One-op graphs gain nothing from the JIT's profiling and specialisation passes; without them
        // each call is one interpreter dispatch.
        JniUtils.setGraphExecutorOptimize(false);
    }

    private TorchOps() {
    }

    /** SiLU(x) = x * sigmoid(x) (Elfwing et al. 2018) as libtorch's fused kernel. */
    public static NDArray silu(NDArray x) {
        return run("Silu", "x: Tensor", "torch.silu(x)", x);
    }

    /**
     * Group normalisation (Wu and He 2018) of (N, C, ...) over groups of C / {@code groups} channels
     * with eps 1e-5, then the per-channel gain {@code gamma} and bias {@code beta}, both (C,).
     */
    public static NDArray groupNorm(NDArray x, int groups, NDArray gamma, NDArray beta) {
        return run("GroupNorm" + groups, "x: Tensor, gamma: Tensor, beta: Tensor",
                "torch.group_norm(x, " + groups + ", gamma, beta, 1.0000000000000001e-05, False)", x, gamma, beta);
    }

    /**
     * Runs {@code expression} of the module {@code name} on {@code inputs}; the result belongs to the
     * first input's manager.
     */
    private static NDArray run(String name, String signature, String expression, NDArray... inputs) {
        PtSymbolBlock module = MODULES.computeIfAbsent(name, k -> load(k, signature, expression));
        for (NDArray a : inputs) {
            // DJL reads input names as TorchScript dict keys or method selectors; ours carry none.
            if (a.getName() != null && !a.getName().isEmpty()) {
                throw new IllegalArgumentException(name + ": input '" + a.getName() + "' must be unnamed");
            }
        }
        // isTrain = true: the call runs under the caller's grad mode instead of DJL's no-grad guard.
        NDList out = IValueUtils.forward(module, new NDList(inputs), true);
        NDArray result = out.singletonOrThrow();
        result.attach(inputs[0].getManager());
        return result;
    }

    private static PtSymbolBlock load(String name, String signature, String expression) {
        try {
            byte[] archive = archive(name, signature, expression);
            return JniUtils.loadModule((PtNDManager) OWNER, new ByteArrayInputStream(archive), false, false);
        } catch (IOException e) {
            throw new UncheckedIOException("TorchScript module " + name + " did not load", e);
        }
    }

    /** The serialized-module archive of a module whose forward returns {@code expression}. */
    static byte[] archive(String name, String signature, String expression) throws IOException {
        String code = String.format(Locale.ROOT, """
                class %1$s(Module):
                  __parameters__ = []
                  __buffers__ = []
                  training : bool
                  def forward(self: __torch__.%1$s, %2$s) -> Tensor:
                    return %3$s
                """, name, signature, expression);
        ByteArrayOutputStream pickle = new ByteArrayOutputStream();
        // Pickle protocol 2 of __torch__.NAME() with state {"training": True}.
        pickle.write(new byte[] {(byte) 0x80, 2, 'c'});
        pickle.write(("__torch__\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        pickle.write(new byte[] {'q', 0, ')', (byte) 0x81, '}', '(', 'X', 8, 0, 0, 0});
        pickle.write("training".getBytes(StandardCharsets.US_ASCII));
        pickle.write(new byte[] {'q', 1, (byte) 0x88, 'u', 'b', 'q', 2, '.'});
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            String root = name.toLowerCase(Locale.ROOT) + "/";
            stored(zip, root + "data.pkl", pickle.toByteArray());
            stored(zip, root + "code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
            stored(zip, root + "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            stored(zip, root + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        return bytes.toByteArray();
    }

    private static void stored(ZipOutputStream zip, String path, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(path);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }
}
