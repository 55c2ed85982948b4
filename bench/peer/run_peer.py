"""Runs every PyTorch twin in one process with the shapes of a `patchmem bench` report, so the two
sides measure the same work; writes one JSON shaped like that report.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peer/run_peer.py --like java.json --out peer.json
"""
import argparse
import json
import os
import sys
import time

import peer
import distance
import params
import sampler
import train_step


def preset_name(path):
    """models/unet-small.json -> small."""
    return os.path.basename(path)[len("unet-"):-len(".json")]


def run(like, log):
    t0 = time.perf_counter()
    # "train": the twin, upsampling as the Java U-Net does (in sub-pixel form where that pays);
    # "trainNearest": as a PyTorch user writes it, nearest upsampling then the 3x3 convolution.
    out = {"quick": like["quick"], "parameters": params.run(), "train": [], "trainNearest": []}
    for t in like["train"]:
        for key, form in (("train", "patchmem"), ("trainNearest", "nearest")):
            log("train %s, %s upsampling" % (t["name"], form))
            r = train_step.run(preset_name(t["preset"]), t["patch"], t["batch"], t["timesteps"], 256, t["warmup"],
                               len(t["stepMsAll"]), form)
            r["name"] = t["name"]
            out[key].append(r)
    s = like["sampler"]
    log("sampler")
    out["sampler"] = sampler.run(preset_name(s["preset"]), s["patch"], s["timesteps"], s["ddim"]["steps"], s["batch"])
    d = like["distance"]
    log("distance")
    out["distance"] = distance.run(d["m"], d["n"], d["d"], d["block"], len(d["distanceRuns"]))
    out["wallSeconds"] = time.perf_counter() - t0
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--like", required=True, help="a patchmem bench JSON whose shapes to use")
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    peer.setup(a.threads)
    with open(a.like, encoding="utf-8") as f:
        like = json.load(f)
    result = run(like, lambda what: print("peer: %s ..." % what, file=sys.stderr, flush=True))
    result.update(peer.facts())
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
