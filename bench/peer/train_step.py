"""Times the PyTorch twin's training step, structured like TrainingLoop.step: batch gather,
condition noise, forward, MSE on the x0 target, backward, global-norm clipping, AdamW, EMA.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peer/train_step.py --preset small --patch 32
"""
import argparse
import contextlib
import os
import time

import peer
import torch
import unet

# The phases of TrainStepBench.Result.phaseMs.
PHASES = ("batch", "forward", "backward", "update")


def run(preset="tiny", patch=16, batch=32, timesteps=100, pairs=256, warmup=3, steps=10, upsample="patchmem",
        trace=None):
    """Median ms of `steps` training steps after `warmup` untimed ones, on random pairs; upsample is the
    U-Net's upsampling form (unet.UNet). With trace, the timed steps run under PyTorch's profiler and its
    Chrome trace goes to that file (dev.patchmem.bench.StepProfile writes the Java side's)."""
    torch.manual_seed(0)
    p, b = patch, batch
    net = unet.UNet(peer.preset(preset), p, upsample)
    params = list(net.parameters())
    # TrainConfig defaults and configs/smoke.json: lr 2e-3, betas (0.9, 0.999), no weight decay,
    # clip at 1.0, EMA 0.999, sigma_aug 0.3.
    opt = torch.optim.AdamW(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    ema = [q.detach().clone() for q in params]
    ab = torch.tensor(peer.cosine_alpha_bar(timesteps), dtype=torch.float32)
    sqrt_ab, sqrt_1mab = ab.sqrt(), (1 - ab).sqrt()
    hr = torch.rand(pairs, 3, p, p) * 2 - 1
    lr = torch.rand(pairs, 3, p // 2, p // 2) * 2 - 1
    clip, sigma_aug, decay = 1.0, 0.3, 0.999

    def step(n, marks=None):
        # Like TrainingLoop.step(int, long[]): the time at the start, after the batch and the noise, after
        # the forward pass and the loss, after the backward pass, and at the end.
        mark = marks.append if marks is not None else (lambda _t: None)
        mark(time.perf_counter())
        idx = torch.randint(0, pairs, (b,))
        x0, src = hr[idx], lr[idx]
        c = src + torch.randn_like(src) * sigma_aug
        t = torch.randint(0, timesteps, (b,))
        eps = torch.randn_like(x0)
        xt = x0 * sqrt_ab[t].reshape(-1, 1, 1, 1) + eps * sqrt_1mab[t].reshape(-1, 1, 1, 1)
        opt.zero_grad(set_to_none=True)
        mark(time.perf_counter())
        loss = (net(xt, t, c) - x0).square().mean()
        mark(time.perf_counter())
        loss.backward()
        loss_value = loss.item()
        mark(time.perf_counter())
        norm = torch.stack([q.grad.square().sum() for q in params]).sum().item() ** 0.5
        if norm > clip:
            for q in params:
                q.grad.mul_(clip / norm)
        opt.step()
        d = min(decay, (1.0 + n) / (10.0 + n))
        with torch.no_grad():
            for s, q in zip(ema, params):
                s.add_((q - s).mul_(1 - d))
        mark(time.perf_counter())
        return loss_value

    for n in range(warmup):
        step(n + 1)
    times = []
    phases = [[] for _ in PHASES]
    profiler = torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) if trace else None
    with profiler or contextlib.nullcontext():
        cpu0 = time.process_time()
        for n in range(warmup, warmup + steps):
            marks = []
            step(n + 1, marks)
            times.append((marks[-1] - marks[0]) * 1e3)
            for k, phase in enumerate(phases):
                phase.append((marks[k + 1] - marks[k]) * 1e3)
        cpu_ms = (time.process_time() - cpu0) * 1e3 / steps
    if profiler:
        profiler.export_chrome_trace(trace + ".part")
        os.replace(trace + ".part", trace)
    return {"preset": preset, "patch": p, "batch": b, "timesteps": timesteps, "upsample": upsample,
            "parameters": unet.count(net),
            "warmup": warmup, "stepMs": peer.median(times), "stepMsAll": times, "cpuMs": cpu_ms,
            "phaseMs": {name: peer.median(phase) for name, phase in zip(PHASES, phases)}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="tiny")
    ap.add_argument("--patch", type=int, default=16)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--timesteps", type=int, default=100)
    ap.add_argument("--pairs", type=int, default=256)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--upsample", choices=("patchmem", "nearest"), default="patchmem")
    ap.add_argument("--trace", help="profile the timed steps and write PyTorch's Chrome trace here")
    a = ap.parse_args()
    peer.setup(a.threads)
    peer.emit(run(a.preset, a.patch, a.batch, a.timesteps, a.pairs, a.warmup, a.steps, a.upsample, a.trace))


if __name__ == "__main__":
    main()
