"""The PyTorch twin of dev.patchmem.model.UNet: the same layers in the same order, the same
parameter count, PyTorch's default fan-in init (which Params.uniform reproduces in Java) and a
zero-initialised output conv.

Differences that do not change the math: GroupNorm's gain and bias are (C,) here and (C, 1, 1) in
Java. The upsampling layer (nearest 2x upsampling, then a 3x3 convolution) runs by default as the
Java U-Net runs it (upsample="patchmem"): in sub-pixel form (upsample_conv3x3, the same operations
as TorchOps.upsampleConv3x3, 4/9 of the multiply-adds) from SUB_PIXEL_MIN_MULTIPLY_ADDS on
(Layers.subPixelPays), directly below; upsample="nearest" always runs it directly, as a PyTorch user
would write it. The two forms differ only by float rounding. The
condition's bicubic resize is the antialiased kernel (a = -0.5) because that is what DJL's
interpolation mode 3 runs.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn


def timestep_embedding(t, dim):
    """[sin(t w_k), cos(t w_k)], w_k = 10000^(-k / (dim/2)): Layers.timestepEmbedding."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float().reshape(-1, 1) * freqs.reshape(1, half)
    return torch.cat([args.sin(), args.cos()], dim=1)


def conv(cin, cout, k, stride=1, zero=False):
    c = nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2)
    if zero:
        nn.init.zeros_(c.weight)
        nn.init.zeros_(c.bias)
    return c


class ResBlock(nn.Module):
    """GroupNorm, SiLU, conv; plus the time embedding; GroupNorm, SiLU, conv; residual."""

    def __init__(self, cin, cout, tdim, groups):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin)
        self.conv1 = conv(cin, cout, 3)
        self.time = nn.Linear(tdim, cout)
        self.norm2 = nn.GroupNorm(groups, cout)
        self.conv2 = conv(cout, cout, 3)
        self.skip = None if cin == cout else conv(cin, cout, 1)

    def forward(self, x, emb_silu):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.time(emb_silu)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return (x if self.skip is None else self.skip(x)) + h


class Attention(nn.Module):
    """Single-head self-attention over the H x W positions, residual."""

    def __init__(self, ch, groups):
        super().__init__()
        self.norm = nn.GroupNorm(groups, ch)
        self.qkv = conv(ch, 3 * ch, 1)
        self.proj = conv(ch, ch, 1)

    def forward(self, x):
        n, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(n, 3, c, h * w).unbind(1)
        a = torch.softmax(q.transpose(1, 2).bmm(k) / math.sqrt(c), dim=2)
        return x + self.proj(v.bmm(a.transpose(1, 2)).reshape(n, c, h, w))


# FOLD[a][r][u]: 3x3 kernel row u's share of tap r in output phase a (the same table for columns).
FOLD = torch.tensor([[[1., 0., 0.], [0., 1., 1.]], [[1., 1., 0.], [0., 0., 1.]]])


def upsample_conv3x3(x, w, b):
    """conv2d(nearest 2x upsampling of x, w, b, padding 1) as four 2x2 convolutions of x with folded
    weights, one per output phase (a, c), interleaved: TorchOps.upsampleConv3x3 op for op."""
    k = torch.einsum("aru,oiuv,csv->acoirs", FOLD.to(w.dtype), w, FOLD.to(w.dtype))
    y = [[F.conv2d(F.pad(x, [1 - c, c, 1 - a, a]), k[a, c], b) for c in range(2)] for a in range(2)]
    y = torch.stack([torch.stack(y[0], 4), torch.stack(y[1], 4)], 3)
    return y.flatten(4, 5).flatten(2, 3)


# Layers.SUB_PIXEL_MIN_MULTIPLY_ADDS: the Java U-Net's upsampling runs in sub-pixel form from here on.
SUB_PIXEL_MIN_MULTIPLY_ADDS = 150_000_000


def sub_pixel_pays(x, w):
    """Layers.subPixelPays: the direct form's multiply-adds reach SUB_PIXEL_MIN_MULTIPLY_ADDS."""
    n, _, h, wd = x.shape
    o, c = w.shape[0], w.shape[1]
    return n * o * c * 9 * (2 * h) * (2 * wd) >= SUB_PIXEL_MIN_MULTIPLY_ADDS


class Upsample(nn.Module):
    def __init__(self, ch, form):
        super().__init__()
        if form not in ("patchmem", "nearest"):
            raise ValueError("upsample form %r: patchmem or nearest" % form)
        self.form = form
        self.conv = conv(ch, ch, 3)

    def forward(self, x):
        if self.form == "patchmem" and sub_pixel_pays(x, self.conv.weight):
            return upsample_conv3x3(x, self.conv.weight, self.conv.bias)
        return self.conv(F.interpolate(x, scale_factor=2, mode="nearest"))


class UNet(nn.Module):
    """Conditional U-Net for 2x upsampling of P x P patches; cfg is a models/unet-*.json dict; upsample
    is the upsampling layer's form, "patchmem" (as the Java U-Net runs it) or "nearest"."""

    def __init__(self, cfg, patch, upsample="patchmem"):
        super().__init__()
        c0, g, mult, nres = cfg["channels"], cfg["groups"], cfg["channelMult"], cfg["resBlocks"]
        tdim = 4 * c0
        self.patch, self.c0 = patch, c0
        self.temb = nn.Sequential(nn.Linear(c0, tdim), nn.SiLU(), nn.Linear(tdim, tdim))
        self.stem = conv(6, c0, 3)
        self.down = nn.ModuleList()
        skips, ch = [c0], c0
        for level, m in enumerate(mult):
            out = c0 * m
            for _ in range(nres):
                self.down.append(ResBlock(ch, out, tdim, g))
                ch = out
                skips.append(ch)
            if level < len(mult) - 1:
                self.down.append(conv(ch, ch, 3, stride=2))
                skips.append(ch)
        self.mid1 = ResBlock(ch, ch, tdim, g)
        self.mid_attn = Attention(ch, g) if cfg.get("attention", False) else None
        self.mid2 = ResBlock(ch, ch, tdim, g)
        self.up = nn.ModuleList()
        for level in reversed(range(len(mult))):
            out = c0 * mult[level]
            for _ in range(nres + 1):
                self.up.append(ResBlock(ch + skips.pop(), out, tdim, g))
                ch = out
            if level > 0:
                self.up.append(Upsample(ch, upsample))
        self.out_norm = nn.GroupNorm(g, ch)
        self.out_conv = conv(ch, 3, 3, zero=True)

    def forward(self, xt, t, c):
        # Every ResBlock projects SiLU(emb): computed once, as the Java U-Net does.
        emb = F.silu(self.temb(timestep_embedding(t, self.c0)))
        cond = F.interpolate(c, size=(self.patch, self.patch), mode="bicubic", align_corners=False,
                             antialias=True)
        h = self.stem(torch.cat([xt, cond], dim=1))
        hs = [h]
        for layer in self.down:
            h = layer(h, emb) if isinstance(layer, ResBlock) else layer(h)
            hs.append(h)
        h = self.mid1(h, emb)
        if self.mid_attn is not None:
            h = self.mid_attn(h)
        h = self.mid2(h, emb)
        for layer in self.up:
            h = layer(torch.cat([h, hs.pop()], dim=1), emb) if isinstance(layer, ResBlock) else layer(h)
        return self.out_conv(F.silu(self.out_norm(h)))


def count(model):
    return sum(p.numel() for p in model.parameters())
