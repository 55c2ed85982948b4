"""Times the PyTorch twin's samplers on one untrained U-Net (the work per call does not depend on
the weights): ancestral DDPM over all T steps and DDIM (eta = 0) over a sub-sequence, with the x0
prediction clamped to [-1, 1], as dev.patchmem.diffusion.Sampler does.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peer/sampler.py --timesteps 1000 --ddim-steps 50
"""
import argparse
import math

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
    torch.manual_seed(0)
    net = unet.UNet(peer.preset(a.preset), a.patch).eval()
    ab = peer.cosine_alpha_bar(a.timesteps)
    cond = torch.rand(a.patches, 3, a.patch // 2, a.patch // 2) * 2 - 1
    out = {"preset": a.preset, "patch": a.patch, "timesteps": a.timesteps, "batch": a.patches}
    with torch.no_grad():
        sample(net, ab, cond, a.patch, "ddim", min(2, a.ddim_steps))  # warm-up
        for kind, steps in (("ddpm", a.timesteps), ("ddim", a.ddim_steps)):
            seconds, _ = peer.timed(lambda: sample(net, ab, cond, a.patch, kind, steps))
            out[kind] = {"sampler": kind, "steps": steps, "patches": a.patches, "seconds": seconds,
                         "patchesPerSecond": a.patches / seconds}
    out["ddimSpeedup"] = out["ddpm"]["seconds"] / out["ddim"]["seconds"]
    peer.emit(out)


if __name__ == "__main__":
    main()
