"""Sums the primitive executions in a oneDNN verbose log (ONEDNN_VERBOSE=1; DNNL_VERBOSE=1 for
oneDNN 2) by primitive kind, implementation and propagation kind: ms and calls per step.

    ONEDNN_VERBOSE=1 java -cp target/patchmem.jar dev.patchmem.bench.StepProfile larger t.json 40 10 > djl.log
    /usr/bin/python3 bench/onednn_table.py djl.log --steps 50

--steps is every step the log covers (warm-up included: the profile's steps run the same primitives).
"""
import argparse
import collections


def executions(path):
    """The primitive executions of a oneDNN verbose log in order: (kind, implementation, propagation,
    problem shape, ms)."""
    try:
        lines = open(path, encoding="utf-8", errors="replace").readlines()
    except OSError as e:
        raise SystemExit("onednn: %s" % e)
    out = []
    for line in lines:
        f = line.strip().split(",")
        # onednn_verbose,[v1,primitive,|timestamp,]exec,cpu,KIND,IMPL,PROP,...,SHAPE,TIME_MS
        if f[0] not in ("onednn_verbose", "dnnl_verbose") or "exec" not in f[:5]:
            continue
        i = f.index("exec")
        try:
            t = float(f[-1])
        except ValueError:
            continue
        out.append((f[i + 2], f[i + 3], f[i + 4], f[-2], t))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("log")
    ap.add_argument("--steps", type=int, required=True, help="training steps the log covers")
    args = ap.parse_args()
    if args.steps < 1:
        raise SystemExit("onednn_table: --steps must be positive")
    ms = collections.Counter()
    calls = collections.Counter()
    for kind, impl, prop, _shape, t in executions(args.log):
        key = (kind, impl, prop)
        ms[key] += t
        calls[key] += 1
    if not ms:
        raise SystemExit("onednn_table: no primitive executions in %s (ONEDNN_VERBOSE=1 unset?)" % args.log)
    print("%-12s %-30s %-18s %10s %8s" % ("primitive", "implementation", "propagation", "ms/step", "calls"))
    for key, v in ms.most_common():
        print("%-12s %-30s %-18s %10.2f %8.1f" % (key + (v / args.steps, calls[key] / args.steps)))
    print("%-62s %10.2f" % ("all primitives", sum(ms.values()) / args.steps))


if __name__ == "__main__":
    main()
