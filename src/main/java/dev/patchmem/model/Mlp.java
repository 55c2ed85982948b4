package dev.patchmem.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.patchmem.model.Layers.Dense;
import java.util.ArrayList;
import java.util.List;

/**
 * The toy denoiser network: an MLP on the concatenation [x_t, c, emb(t)] of the noisy point, the
 * condition (absent for an unconditional model) and a sinusoidal embedding of the timestep, with
 * {@code layers} hidden SiLU layers of width {@code hidden} and a linear output of the data's size.
 * Rows are flat vectors (B, d), the shape of the 2-D toy data.
 */
public final class Mlp implements Network {

    private final NDManager manager;
    private final Params params;
    private final int dataDim;
    private final int condDim;
    private final int embedding;
    private final List<Dense> hiddenLayers = new ArrayList<>();
    private final Dense out;

    /**
     * @param dataDim   size d of one data row x
     * @param condDim   size of one condition row c, 0 for an unconditional network
     * @param hidden    width of each hidden layer
     * @param layers    number of hidden layers, >= 1
     * @param embedding size of the timestep embedding, even
     * @param seed      seed of the initialisation
     */
    public Mlp(NDManager parent, int dataDim, int condDim, int hidden, int layers, int embedding, long seed) {
        if (dataDim < 1 || condDim < 0 || hidden < 1 || layers < 1 || embedding < 2 || embedding % 2 != 0) {
            throw new IllegalArgumentException("MLP needs dataDim >= 1, condDim >= 0, hidden >= 1, layers >= 1 and an"
                    + " even embedding >= 2; got " + dataDim + ", " + condDim + ", " + hidden + ", " + layers + ", "
                    + embedding);
        }
        this.manager = parent.newSubManager();
        this.params = new Params(manager, seed);
        this.dataDim = dataDim;
        this.condDim = condDim;
        this.embedding = embedding;
        int in = dataDim + condDim + embedding;
        for (int l = 0; l < layers; l++) {
            hiddenLayers.add(Dense.create(params, "hidden" + l, in, hidden));
            in = hidden;
        }
        out = Dense.create(params, "out", hidden, dataDim);
    }

    @Override
    public NDArray forward(NDArray xt, NDArray t, NDArray c) {
        if ((c == null) != (condDim == 0)) {
            throw new IllegalArgumentException(condDim == 0 ? "this MLP is unconditional but got a condition"
                    : "this MLP needs a condition of size " + condDim);
        }
        long b = xt.getShape().get(0);
        NDList parts = new NDList(xt.reshape(b, dataDim));
        if (c != null) {
            parts.add(c.reshape(b, condDim));
        }
        parts.add(Layers.timestepEmbedding(t, embedding));
        NDArray h = ai.djl.ndarray.NDArrays.concat(parts, 1);
        for (Dense d : hiddenLayers) {
            h = Layers.silu(d.apply(h));
        }
        return out.apply(h).reshape(xt.getShape());
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public void close() {
        manager.close();
    }
}
