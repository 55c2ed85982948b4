package dev.patchmem.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.patchmem.config.Json;
import dev.patchmem.eval.DistanceBins;
import dev.patchmem.eval.DistanceIndex;
import dev.patchmem.eval.Progress;
import dev.patchmem.io.NpyArray;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Throughput of the evaluator's distance job against a plain GEMM of the same shape on the same
 * engine and device, in the same process: 2 M N D flops each. The distance job is
 * {@link DistanceIndex#search} (one product per block, histogram and candidates in Java, exact
 * re-ranking); building the index is timed separately because it happens once per training set.
 */
public final class DistanceBench {

    /**
     * @param m                  samples M
     * @param n                  training patches N
     * @param d                  values per patch D
     * @param block              training patches per block
     * @param bins               histogram bins
     * @param device             DJL device
     * @param buildSeconds       building the index (once per training set)
     * @param distanceSeconds    median search time
     * @param distanceGflops     2 M N D / distanceSeconds / 1e9
     * @param gemmSeconds        median time of a (M, D) x (D, N) product
     * @param gemmGflops         2 M N D / gemmSeconds / 1e9
     * @param fractionOfGemm     distanceGflops / gemmGflops
     * @param distanceRuns       every search time
     * @param gemmRuns           every GEMM time
     * @param distanceCpuSeconds median process CPU time of a search (all threads, native ones included)
     * @param gemmCpuSeconds     median process CPU time of a GEMM
     * @param cpuFractionOfGemm  gemmCpuSeconds / distanceCpuSeconds: the fraction by work done, which
     *                           other processes competing for the cores disturb less than wall time
     * @param bestFractionOfGemm fastest GEMM time / fastest search time: the least disturbed pair
     */
    public record Result(int m, int n, int d, int block, int bins, String device, double buildSeconds,
                         double distanceSeconds, double distanceGflops, double gemmSeconds, double gemmGflops,
                         double fractionOfGemm, double[] distanceRuns, double[] gemmRuns, double distanceCpuSeconds,
                         double gemmCpuSeconds, double cpuFractionOfGemm, double bestFractionOfGemm) {
    }

    private DistanceBench() {
    }

    /** The shape: M = 1024, N = 65536, D = 3072, block 8192, 64 bins, 5 timed repetitions. */
    public static Result run(NDManager manager) {
        return run(manager, 1024, 65536, 3072, 8192, 64, 5, 0);
    }

    /** Times {@code reps} searches and {@code reps} GEMMs, interleaved, after one warm-up of each. */
    public static Result run(NDManager manager, int m, int n, int d, int block, int bins, int reps, long seed) {
        NpyArray train = new NpyArray(new long[] {n, d}, uniform(n * d, seed));
        NpyArray samples = new NpyArray(new long[] {m, d}, uniform(m * d, seed + 1));
        DistanceBins distanceBins = new DistanceBins(bins, 1.5);
        double flops = 2.0 * m * n * d;
        double[] dist = new double[reps];
        double[] gemm = new double[reps];
        double[] distCpu = new double[reps];
        double[] gemmCpu = new double[reps];
        long t0 = System.nanoTime();
        try (DistanceIndex index = new DistanceIndex(manager, train, block);
             NDManager gm = manager.newSubManager()) {
            double build = (System.nanoTime() - t0) / 1e9;
            NDArray a = gm.create(samples.data(), new Shape(m, d));
            NDArray b = gm.randomUniform(-1, 1, new Shape(d, n));
            for (int r = -1; r < reps; r++) {
                double c0 = cpuSeconds();
                double g = timeGemm(gm, a, b);
                double c1 = cpuSeconds();
                double s = index.search(samples, distanceBins, new int[0], m, Progress.NONE).seconds();
                double c2 = cpuSeconds();
                if (r >= 0) {
                    gemm[r] = g;
                    dist[r] = s;
                    gemmCpu[r] = c1 - c0;
                    distCpu[r] = c2 - c1;
                }
            }
            double ds = median(dist);
            double gs = median(gemm);
            double dc = median(distCpu);
            double gc = median(gemmCpu);
            return new Result(m, n, d, block, bins, manager.getDevice().toString(), build, ds, flops / ds / 1e9, gs,
                    flops / gs / 1e9, gs / ds, dist, gemm, dc, gc, gc / dc,
                    Arrays.stream(gemm).min().orElseThrow() / Arrays.stream(dist).min().orElseThrow());
        }
    }

    private static double timeGemm(NDManager gm, NDArray a, NDArray b) {
        try (NDManager tm = gm.newSubManager()) {
            tm.tempAttachAll(a, b);
            long t = System.nanoTime();
            NDArray c = a.matMul(b);
            c.toByteBuffer(true).get(0); // the product is complete and on the host, like a block of distances
            return (System.nanoTime() - t) / 1e9;
        }
    }

    private static double cpuSeconds() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : Double.NaN;
    }

    private static float[] uniform(int count, long seed) {
        float[] x = new float[count];
        int chunks = 64;
        IntStream.range(0, chunks).parallel().forEach(c -> {
            SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + c);
            int from = (int) ((long) count * c / chunks);
            int to = (int) ((long) count * (c + 1) / chunks);
            for (int i = from; i < to; i++) {
                x[i] = (float) (rng.nextDouble() * 2 - 1);
            }
        });
        return x;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Prints the result of the shape (or M N D [block] given as arguments) as JSON. */
    public static void main(String[] args) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Result r = args.length >= 3
                    ? run(manager, Integer.parseInt(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                    args.length > 3 ? Integer.parseInt(args[3]) : 8192, 64, 3, 0)
                    : run(manager);
            System.out.println(Json.text(r));
        }
    }
}
