"""Shared setup of the PyTorch twins: threads, timing, machine facts, presets, the noise schedule.

Import this module before torch anywhere else: OpenBLAS must see OPENBLAS_NUM_THREADS=1 when it
loads, or its own threads fight torch's (../../../shared/DJL-NOTES.md, "Python peer").
"""
import json
import math
import os
import platform
import resource
import statistics
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import torch  # noqa: E402  (after the environment above)

HOME = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def setup(threads):
    """Fixes torch's intra- and inter-op threads, like DJL's defaults on a 2-core machine."""
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(threads)
    except RuntimeError:
        pass  # already set in this process


def preset(name):
    """The architecture preset models/unet-NAME.json as a dict."""
    with open(os.path.join(HOME, "models", "unet-%s.json" % name), encoding="utf-8") as f:
        return json.load(f)


def cosine_alpha_bar(steps, s=0.008):
    """Nichol and Dhariwal 2021, eq. 17, betas clipped at 0.999: as NoiseSchedule.cosine."""
    def f(u):
        return math.cos((u + s) / (1 + s) * math.pi / 2) ** 2
    out, prod = [], 1.0
    for t in range(steps):
        beta = min(1 - f((t + 1) / steps) / f(t / steps), 0.999)
        prod *= 1 - beta
        out.append(prod)
    return out


def median(values):
    return statistics.median(values)


def timed(fn):
    """Seconds that fn() took, and its result."""
    t0 = time.perf_counter()
    r = fn()
    return time.perf_counter() - t0, r


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def facts():
    """The engine and thread facts every peer result carries."""
    return {
        "engine": "PyTorch %s (Python %s)" % (torch.__version__, platform.python_version()),
        "threads": torch.get_num_threads(),
        "interopThreads": torch.get_num_interop_threads(),
        "openblasThreads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "peakRssMb": peak_rss_mb(),
    }


def emit(result):
    result.update(facts())
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
