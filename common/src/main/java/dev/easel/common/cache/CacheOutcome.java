package dev.easel.common.cache;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** What the result cache did for a job: the {@code cache} field of every job. */
public enum CacheOutcome {
    /** Answered from an earlier identical request's result; no GPU time. */
    HIT,
    /** Not in the cache: the job runs (and its result is stored). */
    MISS,
    /** Attached to an identical job already queued or running; finishes with it. */
    COALESCED,
    /** Answered with an earlier result for a prompt that means the same thing (opt-in, any seed). */
    SIMILAR,
    /** The client asked to skip the lookup ({@code cache: bypass} or {@code Cache-Control: no-cache}). */
    BYPASS,
    /** The cache could not be consulted (Redis unavailable): the job runs, as on a miss. */
    UNAVAILABLE;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<CacheOutcome> fromWire(String value) {
        for (CacheOutcome outcome : values()) {
            if (outcome.wireName().equals(value)) {
                return Optional.of(outcome);
            }
        }
        return Optional.empty();
    }

    @JsonCreator
    static CacheOutcome ofWire(String value) {
        return fromWire(value).orElseThrow(() -> new IllegalArgumentException("unknown cache outcome: " + value));
    }
}
