package dev.patchmem.data;

/**
 * Pure patch geometry and pixel math: the crop grid, the HR crop, its 2x2 area average (the
 * 0.5-scale LR patch) and its standard deviation.
 */
public final class Patches {

    private Patches() {
    }

    /** Number of crops of side {@code patch} at offsets 0, stride, 2*stride, ... with offset + patch <= size. */
    public static int gridCount(int size, int patch, int stride) {
        return size < patch ? 0 : (size - patch) / stride + 1;
    }

    /** The P x P crop at ({@code x0}, {@code y0}) of {@code img}, planar (3, P, P). */
    public static float[] crop(Image img, int x0, int y0, int patch) {
        float[] out = new float[3 * patch * patch];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < patch; y++) {
                System.arraycopy(img.pixels(), (c * img.height() + y0 + y) * img.width() + x0, out,
                        (c * patch + y) * patch, patch);
            }
        }
        return out;
    }

    /** 2x2 area average of a planar (3, P, P) patch: the (3, P/2, P/2) LR patch. */
    public static float[] downsample(float[] hr, int patch) {
        int h = patch / 2;
        float[] lr = new float[3 * h * h];
        for (int c = 0; c < 3; c++) {
            int base = c * patch * patch;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < h; x++) {
                    int i = base + 2 * y * patch + 2 * x;
                    lr[(c * h + y) * h + x] = 0.25f * (hr[i] + hr[i + 1] + hr[i + patch] + hr[i + patch + 1]);
                }
            }
        }
        return lr;
    }

    /** Population standard deviation of all values of {@code v}. */
    public static double std(float[] v) {
        double mean = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= v.length;
        double ss = 0;
        for (float x : v) {
            ss += (x - mean) * (x - mean);
        }
        return Math.sqrt(ss / v.length);
    }
}
