package dev.easel.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.easel.common.cache.CacheKey;
import dev.easel.common.cache.CacheLayout;
import dev.easel.common.cache.CachedResult;
import dev.easel.common.event.ResultImage;
import dev.easel.common.storage.StorageKeys;
import dev.easel.testsupport.TestKeys;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The cache's TTL and entry limit against the real Redis, on a namespace of this test's own with a limit of two
 * entries: the least recently used one leaves, and a hit counts as a use.
 */
@QuarkusTest
class ResultCacheLimitsIT {

    @Inject
    RedisDataSource redis;

    @Inject
    ReactiveRedisDataSource reactive;

    @Inject
    ResultObjects objects;

    @Inject
    CacheMetrics metrics;

    @Inject
    RedisTimeout timeout;

    private final String namespace = "easel-it-limits-" + UUID.randomUUID();
    private final CacheLayout layout = new CacheLayout(namespace);
    @Test
    void entriesLiveForTheTtlAndBeyondTheLimitTheLeastRecentlyUsedLeaves() throws Exception {
        ResultCache cache = new ResultCache(redis, reactive, limits(), objects, metrics, timeout);
        CacheKey first = key();
        CacheKey second = key();
        CacheKey third = key();
        cache.store(first, key(), result());
        cache.store(second, key(), result());
        long ttl = redis.key().pttl(layout.entry(first));
        assertThat(ttl).isBetween(1L, Duration.ofMinutes(10).toMillis());

        double storedAt = redis.sortedSet(String.class).zscore(layout.recency(), first.hex()).orElseThrow();
        Thread.sleep(5); // the hit's use time is a later millisecond than the store's
        assertThat(found(cache, first)).isPresent(); // a hit: the first entry is now the most recently used
        await().atMost(Duration.ofSeconds(5)).until(() ->
                redis.sortedSet(String.class).zscore(layout.recency(), first.hex()).orElseThrow() > storedAt);

        cache.store(third, key(), result());

        assertThat(found(cache, second)).as("least recently used: evicted").isEmpty();
        assertThat(found(cache, first)).isPresent();
        assertThat(found(cache, third)).isPresent();
        assertThat(redis.sortedSet(String.class).zcard(layout.recency())).isEqualTo(2);
    }

    /** A lookup as an admission makes it: the entry, if its images still exist (which marks it used). */
    private static Optional<CachedResult> found(ResultCache cache, CacheKey key) {
        return cache.lookup(key).await().indefinitely().flatMap(entry -> cache.usable(key, entry));
    }

    private CacheConfig limits() {
        return new CacheConfig() {
            public boolean enabled() {
                return true;
            }

            public String namespace() {
                return namespace;
            }

            public String tenant() {
                return "public";
            }

            public Duration ttl() {
                return Duration.ofMinutes(10);
            }

            public int maxEntries() {
                return 2;
            }

            public Duration inflightTtl() {
                return Duration.ofMinutes(1);
            }

            public boolean verifyObjects() {
                return false;
            }

            public Duration verifyInterval() {
                return Duration.ZERO;
            }

            public Duration leaderWait() {
                return Duration.ofSeconds(1);
            }
        };
    }

    private static CacheKey key() {
        byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        return new CacheKey(HexFormat.of().formatHex(bytes));
    }

    private static CachedResult result() {
        String job = UUID.randomUUID().toString();
        return new CachedResult(job, List.of(new ResultImage(0, StorageKeys.output(TestKeys.OPERATOR_TENANT, job, 0), null, 64, 64, 1L, "image/png")),
                Instant.now());
    }
}
