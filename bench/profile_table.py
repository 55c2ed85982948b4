"""Puts two Chrome traces of training steps side by side, operator by operator: self time (ms per
step, the operator's own time less that of the operators it called on the same thread) and calls
per step, largest first. Traces from dev.patchmem.bench.StepProfile (libtorch's profiler) and from
bench/peer/train_step.py --trace (PyTorch's) name operators alike (aten::mkldnn_convolution, ...).

    /usr/bin/python3 bench/profile_table.py djl.json pytorch.json --steps 10 [--top 30]
"""
import argparse
import collections
import json
import sys


def self_times(path):
    """Operator name -> (self microseconds, calls) over the whole trace."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise SystemExit("profile_table: %s: %s" % (path, e))
    events = data["traceEvents"] if isinstance(data, dict) else data
    threads = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and "dur" in e:
            threads[(e.get("pid"), e.get("tid"))].append(e)
    own = collections.Counter()
    calls = collections.Counter()
    for spans in threads.values():
        # Parents start no later and last no shorter than their children.
        spans.sort(key=lambda e: (float(e["ts"]), -float(e["dur"])))
        open_spans = []
        children = [0.0] * len(spans)
        for i, e in enumerate(spans):
            ts = float(e["ts"])
            while open_spans and float(spans[open_spans[-1]]["ts"]) + float(spans[open_spans[-1]]["dur"]) <= ts:
                open_spans.pop()
            if open_spans:
                children[open_spans[-1]] += float(e["dur"])
            open_spans.append(i)
        for i, e in enumerate(spans):
            own[e["name"]] += float(e["dur"]) - children[i]
            calls[e["name"]] += 1
    return {k: (own[k], calls[k]) for k in own}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a", help="first trace (e.g. patchmem's)")
    ap.add_argument("b", help="second trace (e.g. the PyTorch twin's)")
    ap.add_argument("--steps", type=int, required=True, help="training steps each trace covers")
    ap.add_argument("--top", type=int, default=30)
    args = ap.parse_args()
    if args.steps < 1:
        raise SystemExit("profile_table: --steps must be positive")
    a, b = self_times(args.a), self_times(args.b)
    per_step = 1000.0 * args.steps

    def ms(table, k):
        return table.get(k, (0.0, 0))[0] / per_step

    names = sorted(set(a) | set(b), key=lambda k: -max(ms(a, k), ms(b, k)))
    w = max([len(k) for k in names[:args.top]] + [8])
    out = sys.stdout
    out.write("%-*s %10s %8s %10s %8s\n" % (w, "operator", "A ms/step", "A calls", "B ms/step", "B calls"))
    for k in names[:args.top]:
        out.write("%-*s %10.2f %8.1f %10.2f %8.1f\n" % (w, k, ms(a, k), a.get(k, (0, 0))[1] / args.steps,
                                                      ms(b, k), b.get(k, (0, 0))[1] / args.steps))
    out.write("%-*s %10.2f %8s %10.2f\n" % (w, "all operators", sum(v[0] for v in a.values()) / per_step, "",
                                           sum(v[0] for v in b.values()) / per_step))


if __name__ == "__main__":
    main()
