package dev.patchmem.diffusion;

import ai.djl.ndarray.NDArray;
import dev.patchmem.model.Network;

/**
 * A trained network as a {@link Denoiser}: its raw output converted to an x0 estimate, optionally
 * clamped to the data range [-1, 1] (image patches).
 */
public record NetworkDenoiser(Network network, Process process, boolean clamp) implements Denoiser {

    @Override
    public NDArray denoise(NDArray xt, NDArray t, NDArray c) {
        NDArray x0 = process.toX0(network.forward(xt, t, c), xt, t);
        return clamp ? x0.clip(-1f, 1f) : x0;
    }
}
