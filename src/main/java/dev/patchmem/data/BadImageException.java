package dev.patchmem.data;

import java.nio.file.Path;

/** An image file that cannot be used; the message names the file and the reason. */
public final class BadImageException extends java.io.IOException {

    private final String reason;

    public BadImageException(Path file, String reason) {
        super(file + " " + reason);
        this.reason = reason;
    }

    /** Why the file was rejected, without its name. */
    public String reason() {
        return reason;
    }
}
