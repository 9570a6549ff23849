package dev.easel.common.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** The sampler names the API accepts; which ones a model supports is in its {@code ModelLimits}. */
public enum Scheduler {
    EULER,
    EULER_ANCESTRAL,
    DDIM,
    DPMPP_2M,
    DPMPP_2M_KARRAS,
    LCM,
    FLOW_EULER;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Scheduler> fromWire(String value) {
        for (Scheduler scheduler : values()) {
            if (scheduler.wireName().equals(value)) {
                return Optional.of(scheduler);
            }
        }
        return Optional.empty();
    }

    @JsonCreator
    static Scheduler ofWire(String value) {
        return fromWire(value).orElseThrow(() -> new IllegalArgumentException("unknown scheduler: " + value));
    }
}
