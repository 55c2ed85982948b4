package dev.patchmem.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * An x0 estimate E[x_0 | x_t, c]: what samplers call. The trained network and the closed-form
 * kernel model both implement it, so one sampler runs either.
 */
public interface Denoiser {

    /**
     * @param xt noisy samples, (B, ...) in the data's shape
     * @param t  integer timesteps, (B,) int32, in 0 .. T-1
     * @param c  conditions, (B, ...) in the condition's own space (for patches the LR patch, not
     *           upsampled), or null for an unconditional model
     * @return the x0 estimate, same shape as {@code xt}, attached to {@code xt}'s manager
     */
    NDArray denoise(NDArray xt, NDArray t, NDArray c);
}
