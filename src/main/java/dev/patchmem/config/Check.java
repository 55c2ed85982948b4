package dev.patchmem.config;

/** Range checks for config records; each failure names the key, the rule and the value. */
public final class Check {

    private Check() {
    }

    public static void positive(String key, long v) {
        if (v <= 0) {
            throw new ConfigException(key + " must be > 0, got " + v);
        }
    }

    public static void nonNegative(String key, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new ConfigException(key + " must be a finite number >= 0, got " + v);
        }
    }

    public static void positive(String key, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new ConfigException(key + " must be a finite number > 0, got " + v);
        }
    }

    public static void range(String key, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw new ConfigException(key + " must be in [" + lo + ", " + hi + "], got " + v);
        }
    }

    public static void range(String key, long v, long lo, long hi) {
        if (v < lo || v > hi) {
            throw new ConfigException(key + " must be in [" + lo + ", " + hi + "], got " + v);
        }
    }

    public static <T> T present(String key, T v) {
        if (v == null) {
            throw new ConfigException(key + " is required");
        }
        return v;
    }

    /** Requires every element of {@code list} (itself checked elsewhere) to be present: [1, null] is an error. */
    public static <T> java.util.List<T> noNulls(String key, java.util.List<T> list) {
        if (list != null && list.stream().anyMatch(java.util.Objects::isNull)) {
            throw new ConfigException(key + " must not hold null, got " + list);
        }
        return list;
    }

    public static void that(boolean ok, String message) {
        if (!ok) {
            throw new ConfigException(message);
        }
    }
}
