package dev.patchmem.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resolves the relative paths of configs (configs/, models/, datasets/): first against the working
 * directory, then against the patchmem installation that {@code bin/patchmem} names with the
 * system property {@code patchmem.home}, so the launcher works from any folder.
 */
public final class Home {

    private Home() {
    }

    /** The installation folder: {@code -Dpatchmem.home}, else the working directory. */
    public static Path dir() {
        String home = System.getProperty("patchmem.home");
        return Path.of(home == null || home.isBlank() ? "." : home).toAbsolutePath().normalize();
    }

    /** {@code path} as given when it exists or is absolute, else under {@link #dir()} when it exists there. */
    public static Path resolve(String path) {
        Path p = Path.of(path);
        if (p.isAbsolute() || Files.exists(p)) {
            return p;
        }
        Path inHome = dir().resolve(p);
        return Files.exists(inHome) ? inHome : p;
    }
}
