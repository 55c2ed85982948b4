package dev.patchmem.toy;

import dev.patchmem.config.Check;
import dev.patchmem.config.DiffusionConfig;
import dev.patchmem.config.SampleConfig;
import dev.patchmem.config.TrainConfig;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * The config of the toy experiments ({@code patchmem toy phases|equivalence}), loaded by
 * {@link dev.patchmem.config.ConfigLoader} from configs/toy-*.json like a study config: every key
 * has the default shown in its section record, unknown keys are errors.
 *
 * <p>{@code train.sigmaAug} is not set by hand: phases is unconditional, and equivalence trains one
 * sub-run per value of {@code equivalence.sigmaAugs}, whose own config.json records that value as
 * {@code train.sigmaAug} (and as the single entry of {@code sigmaAugs}). Every checkpoint is evaluated
 * after training, so {@code train.keepLast} must be 0.
 *
 * @param seed        seeds the data, initialisation, training noise and evaluation samples (default 0)
 * @param mlp         the denoiser network
 * @param diffusion   forward process (default T = 100, cosine, eps prediction)
 * @param train       optimisation and checkpoints (default: what configs/toy-equivalence.json uses; Adam
 *                    without weight decay or clipping, cosine decay of lr 3e-3, batch 1024, EMA 0.999)
 * @param sample      sampler of the evaluation (default ancestral DDPM over all T steps, EMA weights)
 * @param phases      the unconditional three-phase experiment
 * @param equivalence the conditional kernel-regression experiment
 */
public record ToyConfig(long seed, MlpConfig mlp, DiffusionConfig diffusion, TrainConfig train, SampleConfig sample,
                        Phases phases, Equivalence equivalence) {

    public static final ToyConfig DEFAULT = new ToyConfig(0, MlpConfig.DEFAULT,
            new DiffusionConfig(100, DiffusionConfig.Schedule.COSINE, DiffusionConfig.Prediction.EPS, 1e-4, 0.02),
            new TrainConfig(10_000, 1024, 3e-3, TrainConfig.LrSchedule.COSINE, 100, 0.0, 0.9, 0.999, 0.0, 0.999, 0.0,
                    2500, 0, 100),
            new SampleConfig(SampleConfig.Sampler.DDPM, 0, 0.0, true, 4000), Phases.DEFAULT, Equivalence.DEFAULT);

    public ToyConfig {
        Check.present("mlp", mlp);
        Check.present("diffusion", diffusion);
        Check.present("train", train);
        Check.present("sample", sample);
        Check.present("phases", phases);
        Check.present("equivalence", equivalence);
        Check.that(sample.steps() <= diffusion.timesteps(), "sample.steps (" + sample.steps()
                + ") must not exceed diffusion.timesteps (" + diffusion.timesteps() + ")");
        Check.that(train.keepLast() == 0, "train.keepLast must be 0: the toy jobs evaluate every checkpoint after"
                + " training, got " + train.keepLast());
        List<Double> sigmas = equivalence.sigmaAugs();
        Check.that(train.sigmaAug() == 0 || sigmas.size() == 1 && sigmas.get(0) == train.sigmaAug(),
                "train.sigmaAug is set per sub-run from equivalence.sigmaAugs; leave it out (got "
                        + train.sigmaAug() + ")");
    }

    /** The config of the equivalence sub-run for {@code sigmaAug}: that value as train.sigmaAug and sole sigmaAugs. */
    public ToyConfig forSigma(double sigmaAug) {
        TrainConfig t = train;
        TrainConfig sub = new TrainConfig(t.steps(), t.batchSize(), t.lr(), t.lrSchedule(), t.warmupSteps(),
                t.weightDecay(), t.beta1(), t.beta2(), t.clipGradNorm(), t.emaDecay(), sigmaAug, t.checkpointEvery(),
                t.keepLast(), t.logEvery());
        Equivalence e = equivalence;
        return new ToyConfig(seed, mlp, diffusion, sub, sample, phases, new Equivalence(e.points(), e.radius(),
                List.of(sigmaAug), e.conditions(), e.perCondition(), e.targetTv(), e.noiseReplicates()));
    }

    /** Folder name of the sub-run for {@code sigmaAug}: "sigma-0.30", exact (0.125 gives "sigma-0.125"). */
    public static String sigmaFolder(double sigmaAug) {
        BigDecimal d = BigDecimal.valueOf(sigmaAug).stripTrailingZeros();
        return "sigma-" + d.setScale(Math.max(2, d.scale())).toPlainString();
    }

    /**
     * Section {@code mlp}: the toy denoiser, an MLP on [x_t, c, emb(t)].
     *
     * @param hidden        width of every hidden layer (default 128)
     * @param layers        hidden SiLU layers (default 3)
     * @param timeEmbedding size of the sinusoidal timestep embedding, even (default 32)
     */
    public record MlpConfig(int hidden, int layers, int timeEmbedding) {

        public static final MlpConfig DEFAULT = new MlpConfig(128, 3, 32);

        public MlpConfig {
            Check.range("mlp.hidden", hidden, 1, 1 << 16);
            Check.range("mlp.layers", layers, 1, 64);
            Check.range("mlp.timeEmbedding", timeEmbedding, 2, 4096);
            Check.that(timeEmbedding % 2 == 0, "mlp.timeEmbedding must be even, got " + timeEmbedding);
        }
    }

    /**
     * Section {@code phases}: p_true a mixture of isotropic Gaussians with equal weights; N training
     * points drawn from it; the checkpoints' samples compared with p_true and with the training points.
     *
     * @param centers                  component means, all of one dimension (default (+-1, +-1))
     * @param componentStd             standard deviation of every component (default 0.35)
     * @param trainPoints              training points N, >= 2 (default 16)
     * @param samples                  samples drawn per evaluated checkpoint (default 2000)
     * @param freshSamples             fresh p_true samples of the reference log-likelihood (default 20000)
     * @param loglikTolerance          a checkpoint follows p_true when its samples' mean log-likelihood is
     *                                 within this of the fresh samples' (default 0.15)
     * @param generalizingMaxMemorized ... and at most this fraction of its samples are memorized (default 0.5)
     * @param memorizedFraction        a checkpoint has memorized when at least this fraction of its samples
     *                                 have d1/d2 below 1/3 (default 0.95)
     */
    public record Phases(List<List<Double>> centers, double componentStd, int trainPoints, int samples,
                         int freshSamples, double loglikTolerance, double generalizingMaxMemorized,
                         double memorizedFraction) {

        public static final Phases DEFAULT = new Phases(List.of(List.of(1.0, 1.0), List.of(-1.0, 1.0),
                List.of(-1.0, -1.0), List.of(1.0, -1.0)), 0.35, 16, 2000, 20_000, 0.15, 0.5, 0.95);

        public Phases {
            centers = Points.copy("phases.centers", centers, -1);
            Check.positive("phases.componentStd", componentStd);
            Check.range("phases.trainPoints", trainPoints, 2, 1 << 20);
            Check.range("phases.samples", samples, 1, 1 << 24);
            Check.range("phases.freshSamples", freshSamples, 1, 1 << 24);
            Check.positive("phases.loglikTolerance", loglikTolerance);
            Check.range("phases.generalizingMaxMemorized", generalizingMaxMemorized, 0.0, 1.0);
            Check.range("phases.memorizedFraction", memorizedFraction, 1e-9, 1.0);
        }

        /** Dimension d of the data. */
        public int dim() {
            return centers.get(0).size();
        }
    }

    /**
     * Section {@code equivalence}: x_dst = x_src = N points evenly on a circle; new conditions x'_src;
     * one training run per sigmaAug.
     *
     * @param points          training pairs N, >= 2 (default 8)
     * @param radius          radius of the circle (default 1)
     * @param sigmaAugs       condition-noise scales, one sub-run each, distinct (default 0.2, 0.3, 0.6:
     *                        about 0.26, 0.39 and 0.78 of the neighbour spacing 0.765 of 8 unit-circle points)
     * @param conditions      new conditions x'_src, 2-D points (default: four points between neighbours,
     *                        at most 1.9 sigma of the smallest sigmaAug from a training condition)
     * @param perCondition    samples per condition and evaluated checkpoint (default 4000)
     * @param targetTv        TV the last checkpoint should reach for every condition (default 0.03)
     * @param noiseReplicates multinomial replicates of the sampling-noise baseline (default 400)
     */
    public record Equivalence(int points, double radius, List<Double> sigmaAugs, List<List<Double>> conditions,
                              int perCondition, double targetTv, int noiseReplicates) {

        public static final Equivalence DEFAULT = new Equivalence(8, 1.0, List.of(0.2, 0.3, 0.6),
                List.of(List.of(0.883, 0.283), List.of(-0.354, 0.854), List.of(-0.958, -0.223),
                        List.of(0.318, -0.868)), 4000, 0.03, 400);

        public Equivalence {
            Check.range("equivalence.points", points, 2, 1 << 20);
            Check.positive("equivalence.radius", radius);
            Check.present("equivalence.sigmaAugs", sigmaAugs);
            Check.that(!sigmaAugs.isEmpty(), "equivalence.sigmaAugs must list at least one value");
            sigmaAugs = List.copyOf(sigmaAugs);
            for (double s : sigmaAugs) {
                Check.range("equivalence.sigmaAugs[]", s, 1e-6, 100.0);
            }
            Check.that(new HashSet<>(sigmaAugs).size() == sigmaAugs.size(),
                    "equivalence.sigmaAugs must be distinct, got " + sigmaAugs);
            conditions = Points.copy("equivalence.conditions", conditions, 2);
            Check.range("equivalence.perCondition", perCondition, 1, 1 << 24);
            Check.range("equivalence.targetTv", targetTv, 1e-9, 1.0);
            Check.range("equivalence.noiseReplicates", noiseReplicates, 1, 1 << 20);
        }
    }

    /**
     * Point lists of the sections. A nested class so that the sections' constructors do not start the
     * initialisation of ToyConfig, whose DEFAULT needs theirs (a class-initialisation cycle).
     */
    private static final class Points {

        private Points() {
        }

        /** A non-empty list of finite points of one dimension ({@code dim}, or any when dim < 0), copied. */
        static List<List<Double>> copy(String key, List<List<Double>> pts, int dim) {
            Check.present(key, pts);
            Check.that(!pts.isEmpty(), key + " must list at least one point");
            int d = dim >= 0 ? dim : pts.get(0) == null ? 0 : pts.get(0).size();
            Check.that(d >= 1, key + " points need at least one coordinate");
            List<List<Double>> out = new ArrayList<>();
            for (int i = 0; i < pts.size(); i++) {
                List<Double> p = pts.get(i);
                Check.that(p != null && p.size() == d, key + "[" + i + "] must have " + d + " coordinates, got " + p);
                for (Double v : p) {
                    Check.that(v != null && Double.isFinite(v), key + "[" + i + "] must be finite numbers, got " + p);
                }
                out.add(List.copyOf(p));
            }
            return List.copyOf(out);
        }
    }
}
