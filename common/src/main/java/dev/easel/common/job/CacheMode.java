package dev.easel.common.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/**
 * How a request uses the result cache. {@code USE}: a request with a pinned seed may be answered from the
 * cache or attached to an identical job in flight. {@code BYPASS}: neither (the result is still stored).
 * {@code SIMILAR}: a request without a seed may reuse a finished result whose prompt means the same thing.
 */
public enum CacheMode {
    USE,
    BYPASS,
    SIMILAR;

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
