package dev.easel.gateway.cache;

import dev.easel.common.cache.CacheKey;
import dev.easel.common.cache.CacheLayout;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Which job is computing an exact request right now ({@code inflight:{hash}} → job id), so that identical
 * requests on any gateway replica attach to it instead of running again. The database stays the record of who
 * follows whom; this key only lets a new request find the leader quickly. Every method throws
 * {@link CacheUnavailableException} when Redis fails.
 */
@ApplicationScoped
public class SingleFlight {

    // Compare-and-delete / compare-and-set: only the leader a caller saw may be replaced (Redis EVAL is atomic).
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0""";
    private static final String HAND_OVER = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end return 0""";

    private final RedisDataSource redis;
    private final ReactiveRedisDataSource reactive;
    private final RedisTimeout timeout;
    private final CacheLayout layout;
    private final CacheConfig config;
    private final CacheMetrics metrics;

    SingleFlight(RedisDataSource redis, ReactiveRedisDataSource reactive, CacheConfig config, CacheMetrics metrics,
                 RedisTimeout timeout) {
        this.timeout = timeout;
        this.redis = redis;
        this.reactive = reactive;
        this.metrics = metrics;
        this.config = config;
        this.layout = new CacheLayout(config.namespace());
    }

    /**
     * Makes the job the leader unless another job already is, in one round trip ({@code SET … NX GET}, Redis 7):
     * empty when the job now leads, else the job that does.
     */
    public Optional<UUID> claim(CacheKey key, UUID jobId) {
        Response reply = call("claim", () -> redis.execute("SET", layout.inflight(key), jobId.toString(), "NX", "PX",
                Long.toString(config.inflightTtl().toMillis()), "GET"));
        return reply == null ? Optional.empty() : Optional.of(UUID.fromString(reply.toString()));
    }

    /** {@link #release} without blocking the caller. */
    public Uni<Void> releaseAsync(CacheKey key, UUID jobId) {
        return CacheUnavailableException.around("release", metrics, timeout,
                reactive.execute("EVAL", RELEASE, "1", layout.inflight(key), jobId.toString())).replaceWithVoid();
    }

    /** Ends the job's lead (it finished); does nothing if another job leads by now. */
    public void release(CacheKey key, UUID jobId) {
        call("release", () -> redis.execute("EVAL", RELEASE, "1", layout.inflight(key), jobId.toString()));
    }

    /** Passes the lead from one job to another (the promoted follower); true when {@code from} still led. */
    public boolean handOver(CacheKey key, UUID from, UUID to) {
        Response reply = call("hand-over", () -> redis.execute("EVAL", HAND_OVER, "1", layout.inflight(key),
                from.toString(), to.toString(), Long.toString(config.inflightTtl().toMillis())));
        return reply != null && reply.toInteger() == 1;
    }

    private Response call(String operation, Supplier<Response> command) {
        return CacheUnavailableException.around(operation, metrics, command);
    }
}
