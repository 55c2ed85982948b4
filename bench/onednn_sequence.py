"""Puts two oneDNN verbose logs of the same training step side by side, primitive by primitive in the
order they ran: for the k-th primitive of a step, the median of its times over the second half of the
steps (the first half warms up). Says whether both sides ran the same primitives (kind, propagation,
problem shape) in the same order, prints the positions whose medians differ by more than --min-diff ms,
and the sum of the medians on each side.

    ONEDNN_VERBOSE=1 java -cp target/patchmem.jar dev.patchmem.bench.StepProfile larger t.json > djl.log
    DNNL_VERBOSE=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peer/train_step.py --preset small \\
        --patch 32 --timesteps 1000 --warmup 40 --steps 10 > pytorch.log
    /usr/bin/python3 bench/onednn_sequence.py djl.log pytorch.log --steps 50
"""
import argparse
import statistics

from onednn_table import executions


def per_position(path, steps):
    """(kind, propagation, shape, median ms) of each position in a step."""
    rows = executions(path)
    if not rows:
        raise SystemExit("onednn_sequence: no primitive executions in %s (ONEDNN_VERBOSE=1 unset?)" % path)
    if len(rows) % steps:
        raise SystemExit("onednn_sequence: %s holds %d primitive executions, not a multiple of %d steps"
                         % (path, len(rows), steps))
    per = len(rows) // steps
    out = []
    for k in range(per):
        times = [rows[s * per + k][4] for s in range(steps // 2, steps)]
        kind, _impl, prop, shape, _t = rows[k]
        out.append((kind, prop, shape, statistics.median(times)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a", help="first log (e.g. patchmem's)")
    ap.add_argument("b", help="second log (e.g. the PyTorch twin's)")
    ap.add_argument("--steps", type=int, required=True, help="training steps each log covers")
    ap.add_argument("--min-diff", type=float, default=0.5, help="print positions differing by more ms (0.5)")
    args = ap.parse_args()
    if args.steps < 2:
        raise SystemExit("onednn_sequence: --steps must be at least 2")
    a = per_position(args.a, args.steps)
    b = per_position(args.b, args.steps)
    same = len(a) == len(b) and all(x[:3] == y[:3] for x, y in zip(a, b))
    print("%d and %d primitives per step, %s" % (len(a), len(b), "the same ones in the same order" if same
                                                  else "NOT the same ones in the same order"))
    print("%5s %-12s %-18s %-40s %9s %9s" % ("pos", "primitive", "propagation", "shape", "A ms", "B ms"))
    for k, (x, y) in enumerate(zip(a, b)):
        if abs(x[3] - y[3]) > args.min_diff or x[:3] != y[:3]:
            print("%5d %-12s %-18s %-40s %9.2f %9.2f%s" % (k + 1, x[0], x[1], x[2][:40], x[3], y[3],
                                                          "" if x[:3] == y[:3] else "  (B: %s %s %s)" % y[:3]))
    print("%-77s %9.1f %9.1f" % ("sum of the medians, ms per step", sum(x[3] for x in a), sum(y[3] for y in b)))


if __name__ == "__main__":
    main()
