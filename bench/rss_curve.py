"""Resident-set curves of a patchmem run, from the rssMb figures that training writes to
metrics.jsonl and the evaluator to eval/index.json: the curve, and how far it moves after warm-up.

    python3 bench/rss_curve.py RUN_DIR [--warmup-steps 200] [--warmup-checkpoints 2] [--every 100]

Prints one JSON object: for training and for evaluation, the (step, rssMb) points, the warm-up
left out, and over the rest min, max, (max - min) / min ("spread") and (last - first) / first
("drift"). A leak shows as a drift that keeps growing with the run's length.
"""
import argparse
import json
import os
import sys


def summary(points, warmup):
    """Spread and drift of the points whose step is past `warmup`."""
    after = [(s, r) for s, r in points if s > warmup]
    if len(after) < 2:
        return {"points": len(after), "note": "fewer than two points after warm-up"}
    values = [r for _, r in after]
    lo, hi = min(values), max(values)
    return {
        "points": len(after), "fromStep": after[0][0], "toStep": after[-1][0],
        "minMb": lo, "maxMb": hi, "spread": (hi - lo) / lo, "drift": (values[-1] - values[0]) / values[0],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run")
    ap.add_argument("--warmup-steps", type=int, default=200, help="training steps left out (default 200)")
    ap.add_argument("--warmup-checkpoints", type=int, default=2,
                    help="evaluated checkpoints left out (default 2)")
    ap.add_argument("--every", type=int, default=100, help="print every so many training steps (default 100)")
    a = ap.parse_args()
    out = {"run": a.run}
    metrics = os.path.join(a.run, "metrics.jsonl")
    if os.path.exists(metrics):
        with open(metrics, encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
        train = [(r["step"], r["rssMb"]) for r in rows if "rssMb" in r]
        out["train"] = {"warmupSteps": a.warmup_steps, **summary(train, a.warmup_steps),
                        "curve": [p for p in train if p[0] % a.every == 0]}
    index = os.path.join(a.run, "eval", "index.json")
    if os.path.exists(index):
        with open(index, encoding="utf-8") as f:
            checkpoints = json.load(f)["checkpoints"]
        ev = [(c["step"], c["rssMb"]) for c in checkpoints if "rssMb" in c]
        warm = ev[a.warmup_checkpoints - 1][0] if 0 < a.warmup_checkpoints <= len(ev) else 0
        out["evaluate"] = {"warmupCheckpoints": a.warmup_checkpoints, **summary(ev, warm), "curve": ev}
    if len(out) == 1:
        sys.exit("rss_curve.py: %s has neither metrics.jsonl nor eval/index.json" % a.run)
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
