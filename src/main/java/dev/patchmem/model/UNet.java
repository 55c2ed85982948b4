package dev.patchmem.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.patchmem.config.ModelConfig;
import dev.patchmem.model.Layers.Conv;
import dev.patchmem.model.Layers.Dense;
import dev.patchmem.model.Layers.GroupNorm;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The conditional U-Net of DDPM (Ho et al. 2020) for 2x upsampling: input x_t concatenated with the
 * LR condition resized bicubically to P x P; residual blocks with GroupNorm, SiLU and a projection
 * of the time embedding; strided-conv downsampling; nearest + conv upsampling (in sub-pixel form
 * where that is faster, {@link Layers.Conv#applyUpsampled}); skip concatenation;
 * optional self-attention at the lowest resolution. Output: 3 channels.
 */
public final class UNet implements Network {

    private final NDManager manager;
    private final Params params;
    private final int patch;
    private final int baseChannels;
    private final Dense temb1;
    private final Dense temb2;
    private final Conv stem;
    private final List<Object> down = new ArrayList<>();
    private final ResBlock mid1;
    private final Attention midAttn;
    private final ResBlock mid2;
    private final List<Object> up = new ArrayList<>();
    private final GroupNorm outNorm;
    private final Conv outConv;

    /** Builds the network for HR patches of side {@code patch} with parameters initialised from {@code seed}. */
    public UNet(NDManager parent, ModelConfig cfg, int patch, long seed) {
        this.manager = parent.newSubManager();
        this.params = new Params(manager, seed);
        this.patch = patch;
        this.baseChannels = cfg.channels();
        int c0 = cfg.channels();
        int tdim = 4 * c0;
        int g = cfg.groups();
        temb1 = Dense.create(params, "temb.0", c0, tdim);
        temb2 = Dense.create(params, "temb.1", tdim, tdim);
        stem = Conv.create(params, "stem", 6, c0, 3, 1, false);
        List<Integer> mult = cfg.channelMult();
        Deque<Integer> skipChannels = new ArrayDeque<>();
        skipChannels.push(c0);
        int ch = c0;
        for (int l = 0; l < mult.size(); l++) {
            int out = c0 * mult.get(l);
            for (int r = 0; r < cfg.resBlocks(); r++) {
                down.add(new ResBlock(params, "down" + l + ".res" + r, ch, out, tdim, g));
                ch = out;
                skipChannels.push(ch);
            }
            if (l < mult.size() - 1) {
                down.add(Conv.create(params, "down" + l + ".downsample", ch, ch, 3, 2, false));
                skipChannels.push(ch);
            }
        }
        mid1 = new ResBlock(params, "mid.res0", ch, ch, tdim, g);
        midAttn = cfg.attention() ? new Attention(params, "mid.attn", ch, g) : null;
        mid2 = new ResBlock(params, "mid.res1", ch, ch, tdim, g);
        for (int l = mult.size() - 1; l >= 0; l--) {
            int out = c0 * mult.get(l);
            for (int r = 0; r <= cfg.resBlocks(); r++) {
                up.add(new ResBlock(params, "up" + l + ".res" + r, ch + skipChannels.pop(), out, tdim, g));
                ch = out;
            }
            if (l > 0) {
                up.add(new Upsample(Conv.create(params, "up" + l + ".upsample", ch, ch, 3, 1, false)));
            }
        }
        outNorm = GroupNorm.create(params, "out.norm", ch, g);
        outConv = Conv.create(params, "out.conv", ch, 3, 3, 1, true);
    }

    @Override
    public NDArray forward(NDArray xt, NDArray t, NDArray c) {
        // Every ResBlock projects SiLU(emb); computed once here instead of once per block.
        NDArray emb = Layers.silu(temb2.apply(Layers.silu(temb1.apply(Layers.timestepEmbedding(t, baseChannels)))));
        NDArray cond = Layers.resizeBicubic(c, patch);
        NDArray h = stem.apply(NDArrays.concat(new NDList(xt, cond), 1));
        Deque<NDArray> skips = new ArrayDeque<>();
        skips.push(h);
        for (Object layer : down) {
            h = layer instanceof ResBlock rb ? rb.apply(h, null, emb) : ((Conv) layer).apply(h);
            skips.push(h);
        }
        h = mid1.apply(h, null, emb);
        if (midAttn != null) {
            h = midAttn.apply(h);
        }
        h = mid2.apply(h, null, emb);
        for (Object layer : up) {
            if (layer instanceof ResBlock rb) {
                h = rb.apply(h, skips.pop(), emb);
            } else {
                h = ((Upsample) layer).conv().applyUpsampled(h);
            }
        }
        return outConv.apply(Layers.silu(outNorm.apply(h)));
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public void close() {
        manager.close();
    }

    private record Upsample(Conv conv) {
    }

    /** GroupNorm, SiLU, conv; plus the time embedding; GroupNorm, SiLU, conv; residual connection. */
    private record ResBlock(GroupNorm norm1, Conv conv1, Dense time, GroupNorm norm2, Conv conv2, Conv skip) {

        ResBlock(Params p, String name, int in, int out, int tdim, int groups) {
            this(GroupNorm.create(p, name + ".norm1", in, groups), Conv.create(p, name + ".conv1", in, out, 3, 1, false),
                    Dense.create(p, name + ".time", tdim, out), GroupNorm.create(p, name + ".norm2", out, groups),
                    Conv.create(p, name + ".conv2", out, out, 3, 1, false),
                    in == out ? null : Conv.create(p, name + ".skip", in, out, 1, 1, false));
        }

        /**
         * The block on {@code input}, or on {@code input} and {@code skipFeatures} (may be null) concatenated
         * along the channels; {@code embSilu} is SiLU of the time embedding. Its intermediates, the
         * concatenation included, are released on return (autograd keeps what the backward pass needs).
         */
        NDArray apply(NDArray input, NDArray skipFeatures, NDArray embSilu) {
            return Layers.scoped(input, in -> {
                NDArray x = skipFeatures == null ? in : NDArrays.concat(new NDList(in, skipFeatures), 1);
                return applyInScope(x, embSilu);
            });
        }

        private NDArray applyInScope(NDArray x, NDArray embSilu) {
            NDArray h = conv1.apply(Layers.silu(norm1.apply(x)));
            Shape s = h.getShape();
            h = h.add(time.apply(embSilu).reshape(s.get(0), s.get(1), 1, 1));
            h = conv2.apply(Layers.silu(norm2.apply(h)));
            return (skip == null ? x : skip.apply(x)).add(h);
        }
    }

    /** Single-head self-attention over the H x W positions, with a residual connection. */
    private record Attention(GroupNorm norm, Conv qkv, Conv proj) {

        Attention(Params p, String name, int ch, int groups) {
            this(GroupNorm.create(p, name + ".norm", ch, groups), Conv.create(p, name + ".qkv", ch, 3 * ch, 1, 1, false),
                    Conv.create(p, name + ".proj", ch, ch, 1, 1, false));
        }

        NDArray apply(NDArray input) {
            return Layers.scoped(input, this::applyInScope);
        }

        private NDArray applyInScope(NDArray x) {
            Shape s = x.getShape();
            long n = s.get(0);
            long c = s.get(1);
            long hw = s.get(2) * s.get(3);
            NDList parts = qkv.apply(norm.apply(x)).reshape(n, 3, c, hw).split(3, 1);
            NDArray q = parts.get(0).reshape(n, c, hw);
            NDArray k = parts.get(1).reshape(n, c, hw);
            NDArray v = parts.get(2).reshape(n, c, hw);
            NDArray w = q.transpose(0, 2, 1).matMul(k).mul(1.0 / Math.sqrt(c)).softmax(2);
            NDArray out = v.matMul(w.transpose(0, 2, 1)).reshape(s);
            return x.add(proj.apply(out));
        }
    }
}
