"""Times the PyTorch twin's samplers on one untrained U-Net (the work per call does not depend on
the weights): ancestral DDPM over all T steps and DDIM (eta = 0) over a sub-sequence, with the x0
prediction clamped to [-1, 1], as dev.patchmem.diffusion.Sampler does.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peer/sampler.py --timesteps 1000 --ddim-steps 50
"""
import argparse
import math
import statistics

import peer
import torch
import unet


def timesteps(total, steps):
    """tau: steps timesteps spread evenly over 0 .. T-1 (Sampler.timesteps)."""
    if steps == 1:
        return [total - 1]
    return [int(math.floor(i * (total - 1) / (steps - 1) + 0.5)) for i in range(steps)]


def sample(net, ab, cond, patch, kind, steps):
    b = cond.shape[0]
    tau = timesteps(len(ab), steps)
    x = torch.randn(b, 3, patch, patch)
    for i in reversed(range(len(tau))):
        t, prev = tau[i], (tau[i - 1] if i > 0 else -1)
        x0 = net(x, torch.full((b,), t, dtype=torch.int32), cond).clamp(-1, 1)
        a, a_prev = ab[t], (1.0 if prev < 0 else ab[prev])
        if kind == "ddpm":
            beta = 1 - a / a_prev
            mean = x0 * (math.sqrt(a_prev) * beta / (1 - a)) + x * (math.sqrt(1 - beta) * (1 - a_prev) / (1 - a))
            x = mean if prev < 0 else mean + torch.randn_like(x) * math.sqrt(beta * (1 - a_prev) / (1 - a))
        elif prev < 0:
            x = x0.clone()
        else:
            eps_hat = (x - x0 * math.sqrt(a)) / math.sqrt(1 - a)
            x = x0 * math.sqrt(a_prev) + eps_hat * math.sqrt(1 - a_prev)
    return x


def run(preset="tiny", patch=16, timesteps=1000, ddim_steps=50, patches=32):
    """Seconds of DDPM over all timesteps and of DDIM over ddim_steps, for `patches` samples."""
    torch.manual_seed(0)
    net = unet.UNet(peer.preset(preset), patch).eval()
    ab = peer.cosine_alpha_bar(timesteps)
    cond = torch.rand(patches, 3, patch // 2, patch // 2) * 2 - 1
    out = {"preset": preset, "patch": patch, "timesteps": timesteps, "batch": patches}
    with torch.no_grad():
        sample(net, ab, cond, patch, "ddim", min(WARMUP_CALLS, timesteps))  # warm-up, as SamplerBench
        # DDIM right before and right after DDPM, averaged, as SamplerBench does.
        before, _ = peer.timed(lambda: sample(net, ab, cond, patch, "ddim", ddim_steps))
        ddpm, _ = peer.timed(lambda: sample(net, ab, cond, patch, "ddpm", timesteps))
        after, _ = peer.timed(lambda: sample(net, ab, cond, patch, "ddim", ddim_steps))
        for kind, steps, seconds in (("ddpm", timesteps, ddpm), ("ddim", ddim_steps, (before + after) / 2)):
            out[kind] = {"sampler": kind, "steps": steps, "patches": patches, "seconds": seconds,
                         "patchesPerSecond": patches / seconds}
        out["ddimSpeedup"] = out["ddpm"]["seconds"] / out["ddim"]["seconds"]
        out["forwardMs"] = forward_ms(net, cond, patch, timesteps // 2)
    return out


WARMUP_CALLS = 200  # SamplerBench.WARMUP_CALLS
FORWARD_CALLS = 50  # SamplerBench.FORWARD_CALLS


def forward_ms(net, cond, patch, t):
    """Median ms of one U-Net call at timestep t on cond's batch, after as many untimed calls
    (SamplerBench.forwardMs)."""
    b = cond.shape[0]
    x = torch.randn(b, 3, patch, patch)
    ts = torch.full((b,), t, dtype=torch.int32)
    ms = []
    for i in range(2 * FORWARD_CALLS):
        seconds, _ = peer.timed(lambda: net(x, ts, cond).numpy())
        if i >= FORWARD_CALLS:
            ms.append(seconds * 1e3)
    return statistics.median(ms)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="tiny")
    ap.add_argument("--patch", type=int, default=16)
    ap.add_argument("--timesteps", type=int, default=1000)
    ap.add_argument("--ddim-steps", type=int, default=50)
    ap.add_argument("--patches", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    peer.setup(a.threads)
    peer.emit(run(a.preset, a.patch, a.timesteps, a.ddim_steps, a.patches))


if __name__ == "__main__":
    main()
