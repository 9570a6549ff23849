package dev.easel.gateway.cache;

import dev.easel.common.cache.CacheOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Map;

/**
 * The cache's meters: jobs by cache outcome ({@code easel_cache_requests_total{outcome}}: hit, miss, coalesced,
 * similar, bypass, unavailable; decided at submit), similar reuse found later by a worker, lookup latency, Redis
 * failures, entries dropped because their objects were gone, and evictions by the entry limit.
 */
@ApplicationScoped
public class CacheMetrics {

    private final Map<CacheOutcome, Counter> outcomes = new EnumMap<>(CacheOutcome.class);
    private final Timer lookup;
    private final Counter failures;
    private final Counter staleEntries;
    private final Counter evictions;
    private final Counter workerReuses;

    CacheMetrics(MeterRegistry registry) {
        for (CacheOutcome outcome : CacheOutcome.values()) {
            outcomes.put(outcome, Counter.builder("easel_cache_requests").tag("outcome", outcome.wireName())
                    .description("Jobs by what the result cache did for them").register(registry));
        }
        lookup = Timer.builder("easel_cache_lookup_seconds")
                .description("Time the submit path spent on its exact-key cache lookup (on the event loop together with "
                        + "the single-flight claim: one Redis round trip); not the commit after it")
                .publishPercentiles(0.5, 0.99).register(registry);
        failures = Counter.builder("easel_cache_redis_failures")
                .description("Cache operations that failed because Redis was unavailable").register(registry);
        staleEntries = Counter.builder("easel_cache_stale_entries")
                .description("Cached results dropped because their images were gone from storage").register(registry);
        evictions = Counter.builder("easel_cache_evictions")
                .description("Cached results removed to stay within easel.cache.max-entries").register(registry);
        workerReuses = Counter.builder("easel_cache_worker_similar_reuses")
                .description("Jobs a worker answered with a similar prompt's result (counted as a miss at submit)")
                .register(registry);
    }

    public void outcome(CacheOutcome outcome) {
        outcomes.get(outcome).increment();
    }

    public Timer lookup() {
        return lookup;
    }

    public void failure() {
        failures.increment();
    }

    public void staleEntry() {
        staleEntries.increment();
    }

    /** A job the gateway sent to a worker as a miss came back reusing a similar prompt's result. */
    public void reusedByWorker() {
        workerReuses.increment();
    }

    public void evicted(int count) {
        evictions.increment(count);
    }
}
