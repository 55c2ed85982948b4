"""Twin of the evaluator's distance job (dev.patchmem.eval.DistanceIndex) in PyTorch: squared L2
distances of M samples to N training patches, blocked over the training set, each block one fused
addmm, ||a||^2 + ||b||^2 - 2 a.b (training side centred and prepared once), plus a running top-2
per sample; and a plain GEMM of the same shape, so its GFLOP/s fraction is a same-run ratio. The
Java job also counts a 64-bin histogram per row, which this twin leaves out.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peer/distance.py --m 1024 --n 65536 --d 3072
"""
import argparse

import peer
import torch


def build(train, block):
    """Centred training blocks as (-2 b'^T, ||b'||^2): prepared once, like DistanceIndex's keys."""
    mu = train.mean(dim=0, keepdim=True)
    blocks = []
    for start in range(0, train.shape[0], block):
        b = train[start:start + block] - mu
        blocks.append(((-2 * b).t().contiguous(), b.square().sum(dim=1)))
    return mu, blocks


def search(samples, mu, blocks, block):
    a = samples - mu
    an = a.square().sum(dim=1, keepdim=True)
    best_d = torch.full((a.shape[0], 2), float("inf"))
    best_i = torch.zeros((a.shape[0], 2), dtype=torch.int64)
    for k, (bt, bn) in enumerate(blocks):
        d2 = torch.addmm(bn.unsqueeze(0), a, bt).add_(an)
        v, i = torch.topk(d2, 2, dim=1, largest=False)
        v, j = torch.topk(torch.cat([best_d, v], dim=1), 2, dim=1, largest=False)
        best_i = torch.gather(torch.cat([best_i, i + k * block], dim=1), 1, j)
        best_d = v
    return best_d.clamp_min_(0), best_i


def run(m=1024, n=65536, d=3072, block=8192, reps=3):
    """Median seconds of the blocked search and of the same-shape GEMM, interleaved, after one untimed round."""
    torch.manual_seed(0)
    train = torch.rand(n, d) * 2 - 1
    samples = torch.rand(m, d) * 2 - 1
    build_s, (mu, blocks) = peer.timed(lambda: build(train, block))
    gemm_b = torch.rand(d, n) * 2 - 1
    flops = 2.0 * m * n * d
    dist, gemm = [], []
    for r in range(-1, reps):
        g, _ = peer.timed(lambda: torch.mm(samples, gemm_b))
        s, _ = peer.timed(lambda: search(samples, mu, blocks, block))
        if r >= 0:
            gemm.append(g)
            dist.append(s)
    ds, gs = peer.median(dist), peer.median(gemm)
    return {"m": m, "n": n, "d": d, "block": block, "buildSeconds": build_s,
            "distanceSeconds": ds, "distanceGflops": flops / ds / 1e9, "gemmSeconds": gs,
            "gemmGflops": flops / gs / 1e9, "fractionOfGemm": gs / ds, "distanceRuns": dist, "gemmRuns": gemm}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--m", type=int, default=1024)
    ap.add_argument("--n", type=int, default=65536)
    ap.add_argument("--d", type=int, default=3072)
    ap.add_argument("--block", type=int, default=8192)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    peer.setup(a.threads)
    peer.emit(run(a.m, a.n, a.d, a.block, a.reps))


if __name__ == "__main__":
    main()
