package dev.patchmem.data;

/**
 * An RGB image as planar float32 in [-1, 1]: {@code pixels[c * height * width + y * width + x]}.
 *
 * @param name   file name it was read from
 * @param width  width in pixels
 * @param height height in pixels
 * @param pixels 3 planes (R, G, B) of width x height values
 */
public record Image(String name, int width, int height, float[] pixels) {

    public Image {
        if (pixels.length != 3L * width * height) {
            throw new IllegalArgumentException(name + ": expected " + 3L * width * height + " values, got "
                    + pixels.length);
        }
    }

    /** Value of channel {@code c} at ({@code x}, {@code y}). */
    public float at(int c, int x, int y) {
        return pixels[(c * height + y) * width + x];
    }
}
