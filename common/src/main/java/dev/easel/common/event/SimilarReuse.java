package dev.easel.common.event;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Duration;
import java.util.Objects;

/**
 * What the gateway asks of a worker for similar-prompt reuse ({@code JobRequested.similar}): the Redis prefix of
 * the index for this job's scope (same tenant, model and parameters, any prompt and seed), how long entries live
 * and how many a scope keeps. The worker stores its result there with the prompt's embedding; when
 * {@code lookup} is set (the request asked for {@code cache: "similar"} without a seed) it first looks for a
 * stored result whose prompt means the same and, finding one, answers with it instead of generating.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SimilarReuse(String index, Duration ttl, int maxEntries, boolean lookup) {

    public SimilarReuse {
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero() || maxEntries < 1) {
            throw new IllegalArgumentException("similar reuse needs a positive ttl and entry limit");
        }
    }
}
