package dev.patchmem.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Enums that appear in configs as lower-case words ("cosine", "ddim"). */
public interface Lower {

    String name();

    @JsonValue
    default String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
