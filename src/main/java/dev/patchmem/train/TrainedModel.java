package dev.patchmem.train;

import ai.djl.ndarray.NDManager;
import dev.patchmem.config.ConfigLoader;
import dev.patchmem.config.StudyConfig;
import dev.patchmem.diffusion.Denoiser;
import dev.patchmem.diffusion.NetworkDenoiser;
import dev.patchmem.diffusion.NoiseSchedule;
import dev.patchmem.diffusion.Process;
import dev.patchmem.model.UNet;

/**
 * A U-Net restored from a checkpoint (its weights or its EMA shadows), with the config that travels
 * in the checkpoint, as a {@link Denoiser}.
 */
public record TrainedModel(Checkpoint checkpoint, StudyConfig config, UNet net, NoiseSchedule schedule,
                           Denoiser denoiser) implements AutoCloseable {

    /** Opens {@code dir} (checksums verified) on {@code manager}'s device. */
    public static TrainedModel open(java.nio.file.Path dir, NDManager manager, boolean ema) throws java.io.IOException {
        Checkpoint ck = Checkpoint.open(dir);
        StudyConfig cfg = ConfigLoader.parse(ck.configFile(), StudyConfig.class, StudyConfig.DEFAULT);
        UNet net = new UNet(manager, cfg.model(), cfg.data().patch(), cfg.seed());
        String file = ema ? "ema.npz" : "model.npz";
        net.params().load(ema ? ck.ema() : ck.model(), dir.resolve(file).toString());
        NoiseSchedule s = NoiseSchedule.of(cfg.diffusion());
        return new TrainedModel(ck, cfg, net, s, new NetworkDenoiser(net, new Process(s, cfg.diffusion().prediction()),
                true));
    }

    /** HR patch side P. */
    public int patch() {
        return config.data().patch();
    }

    @Override
    public void close() {
        net.close();
    }
}
