package dev.patchmem.io;

import java.nio.file.Path;

/** A {@code .npy} file that is missing, truncated or not what patchmem writes; the message names the file. */
public final class NpyFormatException extends java.io.IOException {

    public NpyFormatException(Path file, String what) {
        super(file + " " + what);
    }
}
