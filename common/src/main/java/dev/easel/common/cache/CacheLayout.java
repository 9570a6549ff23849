package dev.easel.common.cache;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the result cache lives in Redis, under one namespace so that deployments (or test runs) sharing a
 * Redis never see each other's entries.
 */
public record CacheLayout(String namespace) {

    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    public CacheLayout {
        Objects.requireNonNull(namespace, "namespace");
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("a cache namespace is 1-64 characters of A-Z, a-z, 0-9, '_', '.', '-'");
        }
    }

    /** The cached result of one exact request (JSON {@link CachedResult}). */
    public String entry(CacheKey exact) {
        return namespace + ":cache:" + exact.hex();
    }

    /** The id of the job computing this exact request right now (single flight). */
    public String inflight(CacheKey exact) {
        return namespace + ":inflight:" + exact.hex();
    }

    /** Sorted set of entry hashes by last use, for the entry limit (least recently used leave first). */
    public String recency() {
        return namespace + ":cache-recency";
    }

    /**
     * The prefix of the similar-prompt index of one scope ({@link CacheKey#similarScope}): the results stored in it
     * with their prompt embeddings, and the LSH buckets that find candidates without reading them all.
     */
    public String similar(CacheKey scope) {
        return namespace + ":similar:" + scope.hex();
    }

    /** The exact key of the latest result for a normalised prompt and parameters, any seed. */
    public String anySeed(CacheKey anySeed) {
        return namespace + ":cache-anyseed:" + anySeed.hex();
    }
}
