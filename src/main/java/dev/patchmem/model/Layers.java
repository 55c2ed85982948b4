package dev.patchmem.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;

/**
 * Functional building blocks on DJL's engine ops. Inputs come first in every op so that results
 * belong to the caller's (per-step) manager, never to the parameters' manager.
 */
public final class Layers {

    private Layers() {
    }

    /** A 2-D convolution's parameters: weight (out, in, k, k) and bias (out). */
    public record Conv(NDArray w, NDArray b, int stride, int pad) {

        /** Creates the parameters under {@code name}; {@code zero} zero-initialises them (output layers). */
        public static Conv create(Params p, String name, int in, int out, int k, int stride, boolean zero) {
            int fanIn = in * k * k;
            NDArray w = zero ? p.constant(name + ".w", 0f, out, in, k, k) : p.uniform(name + ".w", fanIn, out, in, k, k);
            NDArray b = zero ? p.constant(name + ".b", 0f, out) : p.uniform(name + ".b", fanIn, out);
            return new Conv(w, b, stride, k / 2);
        }

        public NDArray apply(NDArray x) {
            return Conv2d.conv2d(x, w, b, new Shape(stride, stride), new Shape(pad, pad), new Shape(1, 1))
                    .singletonOrThrow();
        }

        /** The kernel's side (square kernels only). */
        public int kernel() {
            Shape s = w.getShape();
            if (s.get(2) != s.get(3)) {
                throw new IllegalStateException("a non-square kernel " + s);
            }
            return (int) s.get(2);
        }

        /**
         * This 3x3, stride-1 convolution of the nearest-neighbour 2x upsampling of x (N, C, H, W): in
         * sub-pixel form ({@link TorchOps#upsampleConv3x3}, 4/9 of the multiply-adds, a few more
         * operators) where the convolution is large enough for that to pay, else directly.
         */
        public NDArray applyUpsampled(NDArray x) {
            if (kernel() != 3 || pad != 1 || stride != 1) {
                throw new IllegalStateException("sub-pixel upsampling needs a 3x3 convolution with stride 1 and"
                        + " padding 1, not " + w.getShape() + " with stride " + stride + ", padding " + pad);
            }
            return subPixelPays(x.getShape(), w.getShape()) ? TorchOps.upsampleConv3x3(x, w, b) : apply(upsampleNearest(x));
        }
    }

    /**
     * Multiply-adds from which the sub-pixel form of an upsampling convolution is the faster one. On
     * 2 cores (UpsampleConvBenchTest, batch 32, forward and forward + backward) it took 1.03-1.35
     * times as long as upsampling then convolving at 75 M multiply-adds (32 x 8 x 8 channels in and
     * out), 0.57-0.97 times at 302 M (32 x 16 x 16 and 64 x 8 x 8) and 0.53-0.59 times at 1.2 G.
     */
    static final long SUB_PIXEL_MIN_MULTIPLY_ADDS = 150_000_000L;

    /** Whether an upsampling convolution of x (N, C, H, W) with w (O, C, 3, 3) runs in sub-pixel form. */
    static boolean subPixelPays(Shape x, Shape w) {
        long multiplyAdds = x.get(0) * w.get(0) * w.get(1) * 9 * (2 * x.get(2)) * (2 * x.get(3));
        return multiplyAdds >= SUB_PIXEL_MIN_MULTIPLY_ADDS;
    }

    /** A dense layer: weight (out, in) and bias (out). */
    public record Dense(NDArray w, NDArray b) {

        public static Dense create(Params p, String name, int in, int out) {
            return new Dense(p.uniform(name + ".w", in, out, in), p.uniform(name + ".b", in, out));
        }

        public NDArray apply(NDArray x) {
            return Linear.linear(x, w, b).singletonOrThrow();
        }
    }

    /**
     * Group normalisation (Wu and He 2018): per sample and group of C/G channels, normalise to zero
     * mean and unit variance, then a per-channel gain and bias; libtorch's group_norm kernel
     * ({@link TorchOps#groupNorm}).
     */
    public record GroupNorm(NDArray gamma, NDArray beta, int groups) {

        public static GroupNorm create(Params p, String name, int channels, int groups) {
            // Stored (C, 1, 1): the layout of checkpoints written before group_norm ran natively.
            return new GroupNorm(p.constant(name + ".g", 1f, channels, 1, 1),
                    p.constant(name + ".b", 0f, channels, 1, 1), groups);
        }

        public NDArray apply(NDArray x) {
            long c = x.getShape().get(1);
            NDManager m = x.getManager();
            // The (C,) views go to the caller's manager, never the parameters' one, where they would pile
            // up step after step; autograd holds its own references, so closing them here is safe.
            try (NDArray g = gamma.reshape(c); NDArray b = beta.reshape(c)) {
                g.attach(m);
                b.attach(m);
                return TorchOps.groupNorm(x, groups, g, b);
            }
        }
    }

    /**
     * {@code block(x)} with every array the block creates on the way closed on return, the result
     * excepted, which joins x's manager; autograd keeps what the backward pass needs. Without this the
     * step's manager would hold every intermediate of the forward pass until the step ends.
     */
    public static NDArray scoped(NDArray x, java.util.function.UnaryOperator<NDArray> block) {
        NDManager outer = x.getManager();
        try (NDManager scope = outer.newSubManager()) {
            x.tempAttach(scope);
            NDArray y = block.apply(x);
            y.attach(outer);
            return y;
        }
    }

    /** SiLU(x) = x * sigmoid(x), libtorch's fused kernel ({@link TorchOps#silu}). */
    public static NDArray silu(NDArray x) {
        return TorchOps.silu(x);
    }

    /** Nearest-neighbour 2x upsampling of (N, C, H, W); the U-Net runs it folded into its convolution. */
    public static NDArray upsampleNearest(NDArray x) {
        Shape s = x.getShape();
        return x.getNDArrayInternal().interpolation(new long[] {2 * s.get(2), 2 * s.get(3)}, 0, false);
    }

    /** Bicubic resize of (N, C, H, W) to size x size (the condition's upsampling to P x P). */
    public static NDArray resizeBicubic(NDArray x, int size) {
        return x.getNDArrayInternal().interpolation(new long[] {size, size}, 3, false);
    }

    /**
     * Sinusoidal embedding of integer timesteps (Vaswani et al. 2017; Ho et al. 2020, appendix B):
     * [sin(t w_k), cos(t w_k)] with w_k = 10000^(-k / (dim/2)).
     */
    public static NDArray timestepEmbedding(NDArray t, int dim) {
        int half = dim / 2;
        NDManager m = t.getManager();
        float[] freqs = new float[half];
        for (int k = 0; k < half; k++) {
            freqs[k] = (float) Math.exp(-Math.log(10000.0) * k / half);
        }
        NDArray tf = t.toType(DataType.FLOAT32, false).reshape(-1, 1);
        NDArray args = tf.mul(m.create(freqs).reshape(1, half));
        return NDArrays.concat(new ai.djl.ndarray.NDList(args.sin(), args.cos()), 1);
    }
}
