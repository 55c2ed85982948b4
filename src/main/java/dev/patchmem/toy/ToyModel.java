package dev.patchmem.toy;

import ai.djl.ndarray.NDManager;
import dev.patchmem.config.ConfigLoader;
import dev.patchmem.diffusion.Denoiser;
import dev.patchmem.diffusion.NetworkDenoiser;
import dev.patchmem.diffusion.Process;
import dev.patchmem.model.Mlp;
import dev.patchmem.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A toy MLP restored from a checkpoint (its weights or its EMA shadows) with the config that travels
 * in the checkpoint, as a {@link Denoiser}. Toy data are not clamped: they are not pixels.
 */
public record ToyModel(Checkpoint checkpoint, ToyConfig config, Mlp net, Process process, Denoiser denoiser)
        implements AutoCloseable {

    /** Opens {@code dir} (checksums verified) for rows of {@code dataDim} and conditions of {@code condDim}. */
    public static ToyModel open(Path dir, NDManager manager, boolean ema, int dataDim, int condDim) throws IOException {
        Checkpoint ck = Checkpoint.open(dir);
        ToyConfig cfg = ConfigLoader.parse(ck.configFile(), ToyConfig.class, ToyConfig.DEFAULT);
        Mlp net = ToyTraining.network(cfg, manager, dataDim, condDim);
        String file = ema ? "ema.npz" : "model.npz";
        net.params().load(ema ? ck.ema() : ck.model(), dir.resolve(file).toString());
        Process p = ToyTraining.process(cfg);
        return new ToyModel(ck, cfg, net, p, new NetworkDenoiser(net, p, false));
    }

    @Override
    public void close() {
        net.close();
    }
}
