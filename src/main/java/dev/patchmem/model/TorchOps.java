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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * libtorch operators that DJL 0.36 does not bind, and a convolution in a cheaper form, reached
 * through tiny TorchScript modules. SiLU and GroupNorm: DJL can only compose them from other ops
 * (x * sigmoid(x); layer norm, then gain and bias), which costs six to eight elementwise passes per
 * layer forward and backward where libtorch's own kernels take one each way. The U-Net's upsampling
 * convolution computes what nearest-neighbour upsampling and {@code conv2d} would, with 4/9 of their
 * multiply-adds ({@link #upsampleConv3x3}).
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
        return run("Silu", "x: Tensor", List.of("return torch.silu(x)"), x);
    }

    /**
     * Group normalisation (Wu and He 2018) of (N, C, ...) over groups of C / {@code groups} channels
     * with eps 1e-5, then the per-channel gain {@code gamma} and bias {@code beta}, both (C,).
     */
    public static NDArray groupNorm(NDArray x, int groups, NDArray gamma, NDArray beta) {
        return run("GroupNorm" + groups, "x: Tensor, gamma: Tensor, beta: Tensor",
                List.of("return torch.group_norm(x, " + groups + ", gamma, beta, 1.0000000000000001e-05, False)"),
                x, gamma, beta);
    }

    /**
     * Nearest-neighbour 2x upsampling of x (N, C, H, W), then the 3x3 convolution with weight w
     * (O, C, 3, 3), bias b (O,) and zero padding 1: (N, O, 2H, 2W), in sub-pixel form. Output pixel
     * (2p + a, 2q + c) sees only input rows p - 1 + a, p + a and columns q - 1 + c, q + c, through
     * the 3x3 kernel's rows folded to two taps (rows 0 | 1 + 2 for a = 0, 0 + 1 | 2 for a = 1; columns
     * alike). So each of the four output phases is a 2x2 convolution of the low-resolution input with
     * folded weights, and the four are interleaved: 16 multiply-adds per input pixel and output
     * channel instead of the 36 of convolving the upsampled image. Equal to upsampling and convolving
     * up to float rounding; the gradients reach w through the folding.
     */
    public static NDArray upsampleConv3x3(NDArray x, NDArray w, NDArray b) {
        return run("UpsampleConv3x3", "x: Tensor, w: Tensor, b: Tensor", UPSAMPLE_CONV3X3, x, w, b);
    }

    private static final List<String> UPSAMPLE_CONV3X3 = upsampleConv3x3Body();

    private static List<String> upsampleConv3x3Body() {
        List<String> body = new ArrayList<>();
        // fold[a][r][u]: kernel row u's share of tap r in output phase a (the same table for columns).
        body.add("fold = torch.tensor([[[1., 0., 0.], [0., 1., 1.]], [[1., 1., 0.], [0., 0., 1.]]],"
                + " dtype=w.dtype, device=w.device)");
        body.add("k = torch.einsum(\"aru,oiuv,csv->acoirs\", [fold, w, fold])");
        // Phase (a, c) reads rows p - 1 + a, p + a: pad 1 - a above and a below, the same for columns.
        for (int a = 0; a < 2; a++) {
            for (int c = 0; c < 2; c++) {
                body.add(String.format(Locale.ROOT, "y%d%d = torch.conv2d(torch.constant_pad_nd(x, [%d, %d, %d, %d]),"
                        + " k[%d, %d], b)", a, c, 1 - c, c, 1 - a, a, a, c));
            }
        }
        // Interleave: (N, O, H, 2, W, 2) holds output pixel (2 p + a, 2 q + c) at (p, a, q, c).
        body.add("y = torch.stack([torch.stack([y00, y01], 4), torch.stack([y10, y11], 4)], 3)");
        body.add("return y.flatten(4, 5).flatten(2, 3)");
        return List.copyOf(body);
    }

    /**
     * Runs module {@code name}, whose forward has {@code signature} and the statements {@code body}
     * (the last a return), on {@code inputs}; the result belongs to the first input's manager.
     */
    private static NDArray run(String name, String signature, List<String> body, NDArray... inputs) {
        PtSymbolBlock module = MODULES.computeIfAbsent(name, k -> load(k, signature, body));
        NDManager caller = inputs[0].getManager();
        NDList args = new NDList(inputs.length);
        NDList views = new NDList();
        for (NDArray a : inputs) {
            if (a.getName() == null || a.getName().isEmpty()) {
                args.add(a);
            } else {
                // DJL reads input names as TorchScript dict keys or method selectors ("down0.res0.conv1.w"
                // would become a dict): a parameter goes in as an unnamed view of itself, which autograd
                // follows back to the parameter.
                NDArray view = a.reshape(a.getShape());
                view.attach(caller);
                views.add(view);
                args.add(view);
            }
        }
        try {
            // isTrain = true: the call runs under the caller's grad mode instead of DJL's no-grad guard.
            NDArray result = IValueUtils.forward(module, args, true).singletonOrThrow();
            result.attach(caller);
            return result;
        } finally {
            // Autograd holds its own references to what it needs of the views.
            views.close();
        }
    }

    private static PtSymbolBlock load(String name, String signature, List<String> body) {
        try {
            byte[] archive = archive(name, signature, body);
            return JniUtils.loadModule((PtNDManager) OWNER, new ByteArrayInputStream(archive), false, false);
        } catch (IOException e) {
            throw new UncheckedIOException("TorchScript module " + name + " did not load", e);
        }
    }

    /** The serialized-module archive of a module whose forward runs the statements {@code body}. */
    static byte[] archive(String name, String signature, List<String> body) throws IOException {
        String code = String.format(Locale.ROOT, """
                class %1$s(Module):
                  __parameters__ = []
                  __buffers__ = []
                  training : bool
                  def forward(self: __torch__.%1$s, %2$s) -> Tensor:
                %3$s
                """, name, signature, body.stream().map(line -> "    " + line).collect(Collectors.joining("\n")));
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
