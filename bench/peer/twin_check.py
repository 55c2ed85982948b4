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


def check_sub_pixel():
    """The twin's sub-pixel upsampling against nearest upsampling and a 3x3 convolution (TorchOpsTest
    checks the Java one alike): the twin U-Nets above are too small to take that path."""
    g = torch.Generator().manual_seed(5)
    x, w, b = torch.randn(2, 3, 5, 4, generator=g), torch.randn(7, 3, 3, 3, generator=g), torch.randn(7, generator=g)
    with torch.no_grad():
        want = torch.nn.functional.conv2d(torch.nn.functional.interpolate(x, scale_factor=2, mode="nearest"), w, b,
                                          padding=1)
        got = unet.upsample_conv3x3(x, w, b)
    return {"maxAbsDiff": float((got - want).abs().max()), "outputScale": float(want.abs().max())}


def main():
    root = sys.argv[1]
    peer.setup(2)
    # Both upsampling forms of the twin compute the Java U-Net's function.
    result = {"%s/%s" % (name, form): check(os.path.join(root, name), form)
              for name in sorted(os.listdir(root)) for form in ("patchmem", "nearest")}
    result["upsample_conv3x3"] = check_sub_pixel()
    peer.emit({"twin": result})
    worst = max(r["maxAbsDiff"] / max(r["outputScale"], 1.0) for r in result.values())
    sys.exit(0 if worst < 1e-3 else 1)


if __name__ == "__main__":
    main()
