"""Prints the twin's parameter count for the tiny and small presets at P = 16 and 32 as JSON;
`patchmem bench` prints the same table from the Java U-Net."""
import peer
import unet


def run():
    counts = {}
    for name in ("tiny", "small"):
        for p in (16, 32):
            counts["%s-p%d" % (name, p)] = unet.count(unet.UNet(peer.preset(name), p))
    return counts


if __name__ == "__main__":
    peer.setup(2)
    peer.emit({"parameters": run()})
