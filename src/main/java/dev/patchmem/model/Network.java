package dev.patchmem.model;

import ai.djl.ndarray.NDArray;

/** A trainable diffusion network: raw output (eps, x0 or v) from noisy x_t, timestep t and condition c. */
public interface Network extends AutoCloseable {

    /**
     * @param xt noisy samples (B, ...)
     * @param t  timesteps (B,) int32
     * @param c  conditions (B, ...), or null for an unconditional network
     * @return the raw prediction, shaped like {@code xt}
     */
    NDArray forward(NDArray xt, NDArray t, NDArray c);

    /** The trainable parameters. */
    Params params();

    /** Frees the parameters. */
    @Override
    void close();
}
