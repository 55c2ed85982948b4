"""Prints the twin's parameter count for the tiny and small presets at P = 16 and 32 as JSON;
`patchmem bench` prints the same table from the Java U-Net."""
import peer
import unet

if __name__ == "__main__":
    peer.setup(2)
    counts = {}
    for name in ("tiny", "small"):
        for p in (16, 32):
            counts["%s-p%d" % (name, p)] = unet.count(unet.UNet(peer.preset(name), p))
    peer.emit({"parameters": counts})
