"""Loads the weights and input that dev.patchmem.bench.TwinDump wrote into the PyTorch twin, name by
name in creation order, and compares the outputs: same layers in the same order give the same
numbers up to float32 rounding.

    java -cp target/patchmem.jar dev.patchmem.bench.TwinDump /tmp/twin && \\
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peer/twin_check.py /tmp/twin
"""
import json
import os
import sys

import peer
import numpy as np
import torch
import unet


def check(folder, upsample):
    with open(os.path.join(folder, "model.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    net = unet.UNet(cfg, cfg["patch"], upsample)
    java = np.load(os.path.join(folder, "params.npz"))
    names = list(java.keys())
    params = list(net.named_parameters())
    if len(names) != len(params):
        raise SystemExit("%s: %d Java parameters, %d in the twin" % (folder, len(names), len(params)))
    with torch.no_grad():
        for jname, (pname, p) in zip(names, params):
            w = torch.from_numpy(java[jname])
            if w.numel() != p.numel():
                raise SystemExit("%s: %s %s vs %s %s" % (folder, jname, tuple(w.shape), pname, tuple(p.shape)))
            p.copy_(w.reshape(p.shape))
        xt = torch.from_numpy(np.load(os.path.join(folder, "xt.npy")))
        c = torch.from_numpy(np.load(os.path.join(folder, "c.npy")))
        t = torch.from_numpy(np.load(os.path.join(folder, "t.npy"))).long()
        out = net(xt, t, c).numpy()
    want = np.load(os.path.join(folder, "out.npy"))
    err = float(np.abs(out - want).max())
    return {"parameters": len(names), "maxAbsDiff": err, "outputScale": float(np.abs(want).max())}


def main():
    root = sys.argv[1]
    peer.setup(2)
    # Both upsampling forms of the twin compute the Java U-Net's function.
    result = {"%s/%s" % (name, form): check(os.path.join(root, name), form)
              for name in sorted(os.listdir(root)) for form in ("subpixel", "nearest")}
    peer.emit({"twin": result})
    worst = max(r["maxAbsDiff"] / max(r["outputScale"], 1.0) for r in result.values())
    sys.exit(0 if worst < 1e-3 else 1)


if __name__ == "__main__":
    main()
