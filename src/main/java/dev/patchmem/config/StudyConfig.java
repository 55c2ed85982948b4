package dev.patchmem.config;

/**
 * The config of one patch study: a training job and the evaluation of its checkpoints. Loaded by
 * {@link ConfigLoader} from configs/*.json; every key has the default shown in its section record.
 *
 * @param seed      seeds data subsets, initialisation, training noise and evaluation samples (default 0)
 * @param data      patch set
 * @param model     U-Net architecture
 * @param diffusion forward process
 * @param train     optimisation and checkpoints
 * @param sample    sampler for evaluation and {@code patchmem sample}
 * @param eval      checkpoint evaluation
 */
public record StudyConfig(long seed, DataConfig data, ModelConfig model, DiffusionConfig diffusion,
                          TrainConfig train, SampleConfig sample, EvalConfig eval) {

    public static final StudyConfig DEFAULT = new StudyConfig(0, DataConfig.DEFAULT, ModelConfig.DEFAULT,
            DiffusionConfig.DEFAULT, TrainConfig.DEFAULT, SampleConfig.DEFAULT, EvalConfig.DEFAULT);

    public StudyConfig {
        Check.present("data", data);
        Check.present("model", model);
        Check.present("diffusion", diffusion);
        Check.present("train", train);
        Check.present("sample", sample);
        Check.present("eval", eval);
        Check.that(sample.steps() <= diffusion.timesteps(), "sample.steps (" + sample.steps()
                + ") must not exceed diffusion.timesteps (" + diffusion.timesteps() + ")");
        int levels = model.channelMult().size();
        Check.that(data.patch() % (1 << (levels - 1)) == 0, "data.patch (" + data.patch() + ") must be divisible by 2^"
                + (levels - 1) + " for " + levels + " U-Net levels");
    }
}
