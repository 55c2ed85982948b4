package dev.patchmem.toy;

import dev.patchmem.io.Hashes;
import dev.patchmem.io.NpyArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The toy data sets: p_true a mixture of K isotropic Gaussians with equal weights (phases), and N
 * points evenly on a circle (equivalence, where x_dst = x_src). Pure functions of their arguments.
 */
public final class ToyData {

    private ToyData() {
    }

    /** {@code n} points of p_true = (1/K) sum_k N(mu_k, std^2 I), drawn from {@code rng}; (n, d). */
    public static NpyArray mixtureSample(List<List<Double>> centers, double std, int n, SplittableRandom rng) {
        int d = centers.get(0).size();
        float[] v = new float[n * d];
        for (int i = 0; i < n; i++) {
            List<Double> mu = centers.get(rng.nextInt(centers.size()));
            for (int j = 0; j < d; j++) {
                v[i * d + j] = (float) (mu.get(j) + std * rng.nextGaussian());
            }
        }
        return new NpyArray(new long[] {n, d}, v);
    }

    /**
     * log p_true(x) for every row of {@code x} (n, d):
     * log( (1/K) sum_k N(x; mu_k, std^2 I) ), summed stably (log-sum-exp over k).
     */
    public static double[] mixtureLogDensity(NpyArray x, List<List<Double>> centers, double std) {
        int d = centers.get(0).size();
        if (x.rowSize() != d) {
            throw new IllegalArgumentException("points have " + x.rowSize() + " coordinates, p_true has " + d);
        }
        int k = centers.size();
        double norm = -Math.log(k) - 0.5 * d * Math.log(2 * Math.PI * std * std);
        double[] out = new double[x.rows()];
        double[] l = new double[k];
        for (int i = 0; i < out.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    double e = x.data()[i * d + j] - centers.get(c).get(j);
                    s += e * e;
                }
                l[c] = -s / (2 * std * std);
                max = Math.max(max, l[c]);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                sum += Math.exp(l[c] - max);
            }
            out[i] = max + Math.log(sum) + norm;
        }
        return out;
    }

    /** {@code n} points evenly on the circle of {@code radius} around 0, the first at angle 0; (n, 2). */
    public static NpyArray circle(int n, double radius) {
        float[] v = new float[2 * n];
        for (int i = 0; i < n; i++) {
            double a = 2 * Math.PI * i / n;
            v[2 * i] = (float) (radius * Math.cos(a));
            v[2 * i + 1] = (float) (radius * Math.sin(a));
        }
        return new NpyArray(new long[] {n, 2}, v);
    }

    /** Points given as lists of coordinates (a config's conditions) as an (n, d) array. */
    public static NpyArray of(List<List<Double>> points) {
        int d = points.get(0).size();
        float[] v = new float[points.size() * d];
        for (int i = 0; i < points.size(); i++) {
            for (int j = 0; j < d; j++) {
                v[i * d + j] = points.get(i).get(j).floatValue();
            }
        }
        return new NpyArray(new long[] {points.size(), d}, v);
    }

    /** SHA-256 of an array's shape and little-endian float32 values: the toy data set's content hash. */
    public static String hash(NpyArray a) {
        MessageDigest md = Hashes.sha256();
        ByteBuffer b = ByteBuffer.allocate(8 * a.shape().length + 4 * a.data().length).order(ByteOrder.LITTLE_ENDIAN);
        for (long s : a.shape()) {
            b.putLong(s);
        }
        for (float f : a.data()) {
            b.putFloat(f);
        }
        return Hashes.hex(md.digest(b.array()));
    }
}
