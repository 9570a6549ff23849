package dev.easel.gateway.cache;

import dev.easel.common.cache.CacheKey;
import dev.easel.common.cache.CacheLayout;
import dev.easel.common.cache.CachedResult;
import dev.easel.common.event.SimilarReuse;
import dev.easel.common.json.JsonCodec;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.sortedset.ReactiveSortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ScoredValue;
import io.quarkus.redis.datasource.sortedset.SortedSetCommands;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Finished results in Redis under their exact request key, with an any-seed pointer. Entries expire after {@code easel.cache.ttl}; beyond
 * {@code easel.cache.max-entries} the least recently used leave; an entry whose images are gone from storage is
 * dropped when it is found. Every method throws {@link CacheUnavailableException} when Redis fails.
 */
@ApplicationScoped
public class ResultCache {

    private final ValueCommands<String, String> values;
    private final ReactiveValueCommands<String, String> asyncValues;
    private final RedisTimeout timeout;
    private final SortedSetCommands<String, String> recency;
    private final ReactiveSortedSetCommands<String, String> asyncRecency;
    private final KeyCommands<String> keys;
    private final CacheLayout layout;
    private final CacheConfig config;
    private final ResultObjects objects;
    private final CacheMetrics metrics;
    // Entries whose objects this gateway found in storage, and when (System.nanoTime); see verify-interval.
    private final Map<String, Long> verified = new ConcurrentHashMap<>();
    private static final int MAX_VERIFIED = 100_000;

    ResultCache(RedisDataSource redis, ReactiveRedisDataSource reactive, CacheConfig config, ResultObjects objects,
                CacheMetrics metrics, RedisTimeout timeout) {
        this.timeout = timeout;
        this.values = redis.value(String.class);
        this.asyncValues = reactive.value(String.class);
        this.recency = redis.sortedSet(String.class);
        this.asyncRecency = reactive.sortedSet(String.class);
        this.keys = redis.key();
        this.layout = new CacheLayout(config.namespace());
        this.config = config;
        this.objects = objects;
        this.metrics = metrics;
    }

    /**
     * Where a worker stores this job's result for similar-prompt reuse, and whether it should first look there
     * for a result to reuse; the worker does both, since only it can compute the prompt's embedding.
     */
    public SimilarReuse similarIndex(CacheKey scope, boolean lookup) {
        return new SimilarReuse(layout.similar(scope), config.ttl(), config.maxEntries(), lookup);
    }

    /**
     * The entry stored for this exact request, read without blocking the caller and not yet checked against
     * storage: {@link #usable} decides whether it may answer.
     */
    public Uni<Optional<CachedResult>> lookup(CacheKey exact) {
        return CacheUnavailableException.around("find", metrics, timeout, asyncValues.get(layout.entry(exact)))
                .map(json -> json == null ? Optional.<CachedResult>empty() : Optional.of(decode(json)));
    }

    /**
     * The entry, if its images still exist (with {@code verify-objects}, HEAD requests to storage unless this
     * gateway found them within {@code verify-interval}: may block); marks it used.
     */
    public Optional<CachedResult> usable(CacheKey exact, CachedResult result) {
        if (config.verifyObjects() && !verifiedRecently(exact)) {
            if (!imagesExist(result)) {
                Log.infof("job %s: cached result dropped, its images are gone from storage", result.jobId());
                metrics.staleEntry();
                verified.remove(exact.hex());
                remove(exact);
                return Optional.empty();
            }
            if (verified.size() >= MAX_VERIFIED) {
                verified.clear(); // a memo, not a cache of record: losing it costs HEAD requests, nothing else
            }
            verified.put(exact.hex(), System.nanoTime());
        }
        touch(exact);
        return Optional.of(result);
    }

    private static CachedResult decode(String json) {
        return JsonCodec.decode(json.getBytes(StandardCharsets.UTF_8), CachedResult.class);
    }

    /**
     * Marks the entry used for the LRU limit without waiting for Redis: the answer does not depend on it, and a
     * lost touch only lets the entry leave a little earlier.
     */
    private void touch(CacheKey exact) {
        asyncRecency.zadd(layout.recency(), System.currentTimeMillis(), exact.hex()).subscribe().with(added -> { },
                failure -> {
                    metrics.failure();
                    Log.debugf("cache entry %s not touched: %s", exact.hex(), failure.getMessage());
                });
    }

    /** Storage unreachable is the cache unavailable (the request runs), not a failed request. */
    private boolean imagesExist(CachedResult result) {
        try {
            return objects.allExist(result.images());
        } catch (RuntimeException e) {
            throw new CacheUnavailableException("verify-objects", e);
        }
    }

    private boolean verifiedRecently(CacheKey exact) {
        Long at = verified.get(exact.hex());
        return at != null && System.nanoTime() - at < config.verifyInterval().toNanos();
    }

    /** The latest result for the same normalised prompt and parameters, whatever its seed. */
    public Optional<CachedResult> findAnySeed(CacheKey anySeed) {
        String exactHex = call("find-any-seed", () -> values.get(layout.anySeed(anySeed)));
        return exactHex == null ? Optional.empty() : find(new CacheKey(exactHex));
    }

    private Optional<CachedResult> find(CacheKey exact) {
        String json = call("find", () -> values.get(layout.entry(exact)));
        return json == null ? Optional.empty() : usable(exact, decode(json));
    }

    /** Stores a result under its exact key, points its any-seed key at it, and trims the cache to its entry limit. */
    public void store(CacheKey exact, CacheKey anySeed, CachedResult result) {
        String json = new String(JsonCodec.encode(result), StandardCharsets.UTF_8);
        SetArgs ttl = new SetArgs().px(config.ttl());
        call("store", () -> {
            values.set(layout.entry(exact), json, ttl);
            values.set(layout.anySeed(anySeed), exact.hex(), ttl);
            recency.zadd(layout.recency(), System.currentTimeMillis(), exact.hex());
            return null;
        });
        trim();
    }

    public void remove(CacheKey exact) {
        call("remove", () -> {
            keys.del(layout.entry(exact));
            recency.zrem(layout.recency(), exact.hex());
            return null;
        });
    }

    private void trim() {
        long excess = call("trim", () -> recency.zcard(layout.recency())) - config.maxEntries();
        if (excess <= 0) {
            return;
        }
        List<ScoredValue<String>> oldest = call("trim", () -> recency.zpopmin(layout.recency(), (int) excess));
        String[] entries = oldest.stream().map(v -> layout.entry(new CacheKey(v.value()))).toArray(String[]::new);
        if (entries.length > 0) {
            call("trim", () -> keys.del(entries));
            metrics.evicted(entries.length);
        }
    }

    private <T> T call(String operation, Supplier<T> command) {
        return CacheUnavailableException.around(operation, metrics, command);
    }
}
