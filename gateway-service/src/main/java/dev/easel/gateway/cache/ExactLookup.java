package dev.easel.gateway.cache;

import dev.easel.common.cache.CacheKey;
import dev.easel.common.cache.CacheLayout;
import dev.easel.common.cache.CachedResult;
import dev.easel.common.json.JsonCodec;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/**
 * The first cache step of a pinned-seed request in one Redis round trip instead of two: the stored entry of its
 * exact key if there is one, else the single-flight claim ({@link SingleFlight#claim}) for the given job. The
 * entry is returned as stored, not yet checked against storage ({@link ResultCache#usable}); with an entry present
 * nothing is claimed. Both keys live in one namespace of one Redis (the cache does not run on Redis Cluster).
 */
@ApplicationScoped
public class ExactLookup {

    private static final String LOOKUP_OR_CLAIM = """
            local entry = redis.call('GET', KEYS[1])
            if entry then return {1, entry} end
            local leader = redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2], 'GET')
            if leader then return {2, leader} end
            return {0}""";

    private final ReactiveRedisDataSource redis;
    private final CacheLayout layout;
    private final CacheConfig config;
    private final CacheMetrics metrics;
    private final RedisTimeout timeout;

    ExactLookup(ReactiveRedisDataSource redis, CacheConfig config, CacheMetrics metrics,
                RedisTimeout timeout) {
        this.redis = redis;
        this.timeout = timeout;
        this.config = config;
        this.metrics = metrics;
        this.layout = new CacheLayout(config.namespace());
    }

    /** What Redis holds for an exact request: an entry, another job leading, or the lead now taken by {@code jobId}. */
    public record Found(Optional<CachedResult> entry, Optional<UUID> leader) {
    }

    /** Looks the exact key up and, when it holds no entry, claims the lead for the job; never blocks the caller. */
    public Uni<Found> lookupOrClaim(CacheKey exact, UUID jobId) {
        return CacheUnavailableException.around("lookup-or-claim", metrics, timeout, redis.execute("EVAL", LOOKUP_OR_CLAIM, "2",
                        layout.entry(exact), layout.inflight(exact), jobId.toString(),
                        Long.toString(config.inflightTtl().toMillis())))
                .map(ExactLookup::found);
    }

    private static Found found(Response reply) {
        return switch (reply.get(0).toInteger()) {
            case 1 -> new Found(Optional.of(JsonCodec.decode(reply.get(1).toString().getBytes(StandardCharsets.UTF_8),
                    CachedResult.class)), Optional.empty());
            case 2 -> new Found(Optional.empty(), Optional.of(UUID.fromString(reply.get(1).toString())));
            default -> new Found(Optional.empty(), Optional.empty());
        };
    }
}
