"""Folds the raw reports of bench/run.sh (djl-R.json from `patchmem bench`, pytorch-R.json from
bench/peer/run_peer.py, load-R.txt) into one JSON: medians over the repeats, the ratios the
benchmark issue names, the raw figures and the machine.

    /usr/bin/python3 bench/summarize.py RAW_DIR OUT.json --command "bench/run.sh ..." --settings '{...}'
"""
import argparse
import glob
import json
import os
import platform
import statistics


def load_all(raw, prefix):
    runs = []
    for path in sorted(glob.glob(os.path.join(raw, prefix + "-*.json")),
                       key=lambda p: int(p.rsplit("-", 1)[1].split(".")[0])):
        with open(path, encoding="utf-8") as f:
            runs.append(json.load(f))
    return runs


def med(values):
    return statistics.median(values) if values else float("nan")


def train(runs, name, key, section="train"):
    return [next(t for t in r[section] if t["name"] == name)[key] for r in runs]


def train_figures(runs, section):
    out = {}
    for name in ("smoke", "larger"):
        first = next(t for t in runs[0][section] if t["name"] == name)
        out[name] = {
            "preset": first["preset"], "patch": first["patch"], "batch": first["batch"],
            "parameters": first["parameters"],
            "stepMs": med(train(runs, name, "stepMs", section)), "stepMsRepeats": train(runs, name, "stepMs", section),
            "cpuMs": med(train(runs, name, "cpuMs", section)), "cpuMsRepeats": train(runs, name, "cpuMs", section),
        }
        # Median over repeats of each phase's median (TrainStepBench.Result.phaseMs); older reports lack them.
        phases = [next(t for t in r[section] if t["name"] == name).get("phaseMs") for r in runs]
        if all(phases):
            out[name]["phaseMs"] = {k: med([ph[k] for ph in phases]) for k in phases[0]}
    return out


def figures(runs, memorization):
    """Median over repeats of each side's figures, with every repeat's value next to it."""
    out = {"train": train_figures(runs, "train")}
    if "trainNearest" in runs[0]:
        out["trainNearest"] = train_figures(runs, "trainNearest")
    s = [r["sampler"] for r in runs]
    out["sampler"] = {
        "preset": s[0]["preset"], "patch": s[0]["patch"], "timesteps": s[0]["timesteps"], "batch": s[0]["batch"],
        "ddpmSteps": s[0]["ddpm"]["steps"], "ddimSteps": s[0]["ddim"]["steps"],
        "ddpmPatchesPerSecond": med([x["ddpm"]["patchesPerSecond"] for x in s]),
        "ddimPatchesPerSecond": med([x["ddim"]["patchesPerSecond"] for x in s]),
        "ddimSpeedup": med([x["ddimSpeedup"] for x in s]), "ddimSpeedupRepeats": [x["ddimSpeedup"] for x in s],
        "forwardMs": med([x["forwardMs"] for x in s]),
    }
    d = [r["distance"] for r in runs]
    out["distance"] = {
        "m": d[0]["m"], "n": d[0]["n"], "d": d[0]["d"], "block": d[0]["block"],
        "distanceGflops": med([x["distanceGflops"] for x in d]), "gemmGflops": med([x["gemmGflops"] for x in d]),
        "fractionOfGemm": med([x["fractionOfGemm"] for x in d]),
        "fractionOfGemmRepeats": [x["fractionOfGemm"] for x in d],
    }
    for k in ("cpuFractionOfGemm", "bestFractionOfGemm"):
        if k in d[0]:
            out["distance"][k] = med([x[k] for x in d])
    if memorization:
        m = [r["memorization"] for r in runs]
        out["memorization"] = {
            "pairs": m[0]["pairs"], "patch": m[0]["patch"], "trainSteps": m[0]["trainSteps"],
            "ddpmMemorizedFraction": med([x["ddpm"]["memorizedFraction"] for x in m]),
            "ddimMemorizedFraction": med([x["ddim"]["memorizedFraction"] for x in m]),
            "ddpmMedianRatio": med([x["ddpm"]["medianRatio"] for x in m]),
            "ddimMedianRatio": med([x["ddim"]["medianRatio"] for x in m]),
        }
    out["peakRssMb"] = max(r.get("peakRssMb", float("nan")) for r in runs)
    return out


def loads(raw):
    out = []
    for path in sorted(glob.glob(os.path.join(raw, "load-*.txt"))):
        with open(path, encoding="utf-8") as f:
            out += [[float(v) for v in line.split()[:3]] for line in f if line.strip()]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("raw")
    ap.add_argument("out")
    ap.add_argument("--command", default="")
    ap.add_argument("--settings", default="{}")
    a = ap.parse_args()
    djl, pt = load_all(a.raw, "djl"), load_all(a.raw, "pytorch")
    if not djl or len(djl) != len(pt):
        raise SystemExit("summarize: %d djl and %d pytorch reports in %s" % (len(djl), len(pt), a.raw))
    j, p = figures(djl, True), figures(pt, False)

    def ratio(name, key, section="train"):
        return j["train"][name][key] / p[section][name][key]

    def phase_ratios(name):
        a, b = j["train"][name].get("phaseMs"), p["train"][name].get("phaseMs")
        return {k: a[k] / b[k] for k in a if k in b} if a and b else None

    def paired(name):
        return med([x / y for x, y in zip(train(djl, name, "stepMs"), train(pt, name, "stepMs"))])

    load = loads(a.raw)
    twin_file = os.path.join(a.raw, "twin.json")
    twin = json.load(open(twin_file, encoding="utf-8"))["twin"] if os.path.exists(twin_file) else None
    m = djl[0]["machine"]
    result = {
        "command": a.command,
        "train_step_ratio": ratio("larger", "stepMs"),
        "train_step_ratio_smoke": ratio("smoke", "stepMs"),
        "train_step_ratio_paired": paired("larger"),
        "train_step_ratio_smoke_paired": paired("smoke"),
        "train_step_cpu_ratio": ratio("larger", "cpuMs"),
        "train_step_cpu_ratio_smoke": ratio("smoke", "cpuMs"),
        # Per phase (batch, forward, backward, update), patchmem ms over PyTorch ms.
        "train_step_phase_ratios": phase_ratios("larger"),
        "train_step_phase_ratios_smoke": phase_ratios("smoke"),
        # Against the PyTorch U-Net whose upsampling layer is nearest upsampling and a 3x3 convolution.
        "train_step_ratio_vs_nearest_upsampling": ratio("larger", "stepMs", "trainNearest"),
        "train_step_ratio_smoke_vs_nearest_upsampling": ratio("smoke", "stepMs", "trainNearest"),
        "distance_fraction_of_gemm_peak": j["distance"]["fractionOfGemm"],
        "ddim_speedup": j["sampler"]["ddimSpeedup"],
        # One U-Net call as the samplers make it (no autograd), patchmem ms over PyTorch ms.
        "sampler_forward_ratio": j["sampler"]["forwardMs"] / p["sampler"]["forwardMs"],
        "ddpm_memorized_fraction": j["memorization"]["ddpmMemorizedFraction"],
        "ddim_memorized_fraction": j["memorization"]["ddimMemorizedFraction"],
        "parameters_equal": djl[0]["parameters"] == pt[0]["parameters"],
        "parameters": {"djl": djl[0]["parameters"], "pytorch": pt[0]["parameters"]},
        # Over the U-Nets; twin["upsample_conv3x3"] is the sub-pixel layer alone.
        "twin_max_abs_diff": max(t["maxAbsDiff"] for t in twin.values() if "parameters" in t) if twin else None,
        "twin": twin,
        "repeats": len(djl),
        "settings": json.loads(a.settings),
        "machine": {
            "cpuModel": m["cpuModel"], "cores": m["cores"], "os": m["os"], "java": m["java"],
            "jvmOptions": m.get("jvmOptions"),
            "djlEngine": m["engine"], "djlThreads": [m["threads"], m["interopThreads"]],
            "pytorchEngine": pt[0]["engine"], "pytorchThreads": [pt[0]["threads"], pt[0]["interopThreads"]],
            "python": platform.python_version(),
            "loadAverages": load,
            "loadAverage1mMedian": med([x[0] for x in load]),
        },
        "djl": j,
        "pytorch": p,
    }
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print("%s: train_step_ratio %.3f (smoke %.3f; %.3f and %.3f against nearest upsampling), distance_fraction_of_gemm_peak %.3f, ddim_speedup %.1f, "
          "sampler_forward_ratio %.2f, memorized DDPM %.2f / DDIM %.2f, load %.1f on %d cores"
          % (a.out, result["train_step_ratio"], result["train_step_ratio_smoke"],
             result["train_step_ratio_vs_nearest_upsampling"], result["train_step_ratio_smoke_vs_nearest_upsampling"],
             result["distance_fraction_of_gemm_peak"], result["ddim_speedup"], result["sampler_forward_ratio"],
             result["ddpm_memorized_fraction"],
             result["ddim_memorized_fraction"], result["machine"]["loadAverage1mMedian"], m["cores"]))


if __name__ == "__main__":
    main()
