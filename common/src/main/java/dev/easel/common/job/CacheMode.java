package dev.easel.common.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** Whether a request may be answered from, and stored in, the result cache. */
public enum CacheMode {
    USE,
    BYPASS;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<CacheMode> fromWire(String value) {
        for (CacheMode mode : values()) {
            if (mode.wireName().equals(value)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }

    @JsonCreator
    static CacheMode ofWire(String value) {
        return fromWire(value).orElseThrow(() -> new IllegalArgumentException("unknown cache mode: " + value));
    }
}
