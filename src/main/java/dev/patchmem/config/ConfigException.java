package dev.patchmem.config;

/** A config value that is missing, of the wrong type or out of range; the message names the key. */
public final class ConfigException extends IllegalArgumentException {

    public ConfigException(String message) {
        super(message);
    }
}
