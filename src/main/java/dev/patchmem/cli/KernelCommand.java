package dev.patchmem.cli;

import ai.djl.ndarray.NDManager;
import dev.patchmem.config.Json;
import dev.patchmem.config.Provenance;
import dev.patchmem.data.PatchSet;
import dev.patchmem.io.AtomicFiles;
import dev.patchmem.io.Hashes;
import dev.patchmem.io.Npy;
import dev.patchmem.io.NpyArray;
import dev.patchmem.io.NpyChecks;
import dev.patchmem.kernel.KernelSummary;
import dev.patchmem.kernel.PosteriorWeights;
import dev.patchmem.kernel.TrainingPairs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code patchmem kernel}: P(i | c) and the Nadaraya-Watson mean of the closed-form kernel model. */
@Command(name = "kernel", mixinStandardHelpOptions = true,
        description = "Closed-form Gaussian kernel regression on a patch set: P(i | c) = softmax_i(-||c - x_src^(i)||^2"
                + " / (2 sigma_aug^2)) and the mean sum_i P(i | c) x_dst^(i) for each condition c.")
public final class KernelCommand implements Callable<Integer> {

    @Option(names = "--dataset", paramLabel = "DIR", required = true, description = "patch-set folder (from patchmem data)")
    Path dataset;

    @Option(names = "--conditions", paramLabel = "FILE", required = true,
            description = "conditions .npy, (Q, 3, P/2, P/2) in the LR space of the dataset")
    Path conditions;

    @Option(names = "--sigma-aug", paramLabel = "S", required = true, description = "kernel width sigma_aug, > 0")
    double sigmaAug;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "folder to write: weights.npy (Q, N), mean.npy (Q, 3, P, P), summary.json, provenance.json")
    Path out;

    @Option(names = "--block", paramLabel = "N", defaultValue = "8192",
            description = "training pairs per block; memory is O(Q x block) (default ${DEFAULT-VALUE})")
    int block;

    @Override
    public Integer call() throws Exception {
        PosteriorWeights.checkSigma(sigmaAug);
        if (block < 1) {
            throw new IllegalArgumentException("--block must be >= 1, got " + block);
        }
        PatchSet set = PatchSet.load(dataset);
        NpyArray cond = Npy.read(conditions);
        long[] lrShape = set.lr().shape();
        NpyChecks.requireRows(conditions, cond, java.util.Arrays.copyOfRange(lrShape, 1, 4),
                dataset.resolve("lr.npy").toString());
        NpyChecks.requireFinite(conditions, cond);
        int q = cond.rows();
        int n = set.size();
        int p = set.patch();
        try (NDManager manager = NDManager.newBaseManager();
             TrainingPairs pairs = new TrainingPairs(manager, set.lr(), set.hr(), block)) {
            long start = System.nanoTime();
            PosteriorWeights.Posterior post = PosteriorWeights.compute(pairs, cond, sigmaAug, true);
            double seconds = (System.nanoTime() - start) / 1e9;
            KernelSummary summary = summarize(post, p, seconds, set.info().contentHash());
            Provenance prov = Provenance.capture(0, set.info().contentHash(),
                    "patchmem kernel " + String.join(" ", CliSupport.args()), EngineFacts.of(manager));
            AtomicFiles.writeFolder(out, tmp -> {
                Npy.write(tmp.resolve("weights.npy"), post.weights(), q, n);
                Npy.write(tmp.resolve("mean.npy"), post.mean(), q, 3, p, p);
                Json.write(tmp.resolve("summary.json"), summary);
                prov.writeTo(tmp);
            });
            System.out.printf(Locale.ROOT, "%s: P(i | c) for %d conditions over %d pairs, sigma_aug %g; median max"
                            + " weight %.3f; %.2f s%n", out, q, n, sigmaAug,
                    median(summary.maxWeight()), seconds);
        }
        return 0;
    }

    private KernelSummary summarize(PosteriorWeights.Posterior post, int p, double seconds, String contentHash)
            throws java.io.IOException {
        int n = post.n();
        List<Integer> argmax = new ArrayList<>();
        List<Double> max = new ArrayList<>();
        List<Double> effective = new ArrayList<>();
        float[] w = post.weights();
        for (int r = 0; r < post.q(); r++) {
            int best = 0;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                float v = w[r * n + i];
                if (v > w[r * n + best]) {
                    best = i;
                }
                sq += (double) v * v;
            }
            argmax.add(best);
            max.add((double) w[r * n + best]);
            effective.add(1 / sq);
        }
        return new KernelSummary(sigmaAug, post.q(), n, p, conditions.toString(), Hashes.file(conditions),
                dataset.toString(), contentHash, block, argmax, max, effective, seconds);
    }

    private static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length == 0 ? Double.NaN : s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
