package dev.easel.gateway.limits;

import dev.easel.gateway.cache.CacheConfig;
import dev.easel.gateway.cache.RedisTimeout;
import dev.easel.gateway.identity.Caller;
import dev.easel.gateway.identity.RateLimit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Request-rate limits: a token bucket per tenant and per API key in Redis, shared by every gateway replica. One
 * Lua script per request takes a token from each of the caller's buckets, or from none when any is empty, so the
 * buckets never drift apart; time is Redis' own ({@code TIME}), so replicas' clocks do not matter. A caller
 * without limits costs nothing. When Redis cannot answer, the request is let through (fail open) and counted in
 * {@code easel_rate_limit_unchecked_total}: a rate limit protects capacity, and refusing every request while
 * Redis is away would turn a cache outage into a full outage.
 */
@ApplicationScoped
public class RateLimiter {

    /*
     * KEYS: one bucket per limit. ARGV: per bucket its rate (tokens per second) and burst (capacity).
     * Returns {allowed (1/0), index of the tightest bucket (1-based), tokens left there (whole), ms until it has one}.
     */
    private static final String TAKE = """
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local tokens = {}
            local tightest = 1
            for i = 1, #KEYS do
              local rate = tonumber(ARGV[2 * i - 1])
              local burst = tonumber(ARGV[2 * i])
              local stored = redis.call('HMGET', KEYS[i], 'tokens', 'at')
              local level = tonumber(stored[1])
              local at = tonumber(stored[2])
              if level == nil or at == nil then
                level = burst
              else
                level = math.min(burst, level + math.max(0, now - at) * rate / 1000)
              end
              tokens[i] = level
              if level < tokens[tightest] then tightest = i end
            end
            local allowed = tokens[tightest] >= 1
            for i = 1, #KEYS do
              local rate = tonumber(ARGV[2 * i - 1])
              local burst = tonumber(ARGV[2 * i])
              if allowed then tokens[i] = tokens[i] - 1 end
              redis.call('HSET', KEYS[i], 'tokens', tostring(tokens[i]), 'at', now)
              redis.call('PEXPIRE', KEYS[i], math.ceil(burst * 1000 / rate) + 1000)
            end
            local rate = tonumber(ARGV[2 * tightest - 1])
            local wait = 0
            if tokens[tightest] < 1 then wait = math.ceil((1 - tokens[tightest]) * 1000 / rate) end
            return {allowed and 1 or 0, tightest, math.floor(tokens[tightest]), wait}""";

    /** What a request found: allowed or not, and the tightest of its limits for the headers. */
    public record Decision(boolean allowed, RateLimit tightest, long remaining, Duration untilNext) {
    }

    private final ReactiveRedisDataSource redis;
    private final RedisTimeout timeout;
    private final String prefix;
    private final Counter limited;
    private final Counter unchecked;

    RateLimiter(ReactiveRedisDataSource redis, RedisTimeout timeout, CacheConfig cache, MeterRegistry registry) {
        this.redis = redis;
        this.timeout = timeout;
        this.prefix = cache.namespace() + ":rate:";
        this.limited = Counter.builder("easel_rate_limited").description("Requests refused by a rate limit (429)")
                .register(registry);
        this.unchecked = Counter.builder("easel_rate_limit_unchecked").description(
                "Requests let through unchecked because Redis could not answer the rate limiter").register(registry);
    }

    /**
     * Takes a token from each of the caller's buckets. Never fails: when Redis does not answer within
     * {@code quarkus.redis.timeout}, the request is allowed, without a decision to advertise (null).
     */
    public Uni<Decision> take(Caller caller) {
        List<RateLimit> limits = caller.rateLimits();
        List<String> args = new ArrayList<>();
        args.add(TAKE);
        args.add(Integer.toString(limits.size()));
        for (RateLimit limit : limits) {
            args.add(prefix + limit.name() + ":" + (limit.name().equals("key") ? caller.keyId() : caller.tenant()));
        }
        for (RateLimit limit : limits) {
            args.add(Double.toString(limit.perSecond()));
            args.add(Integer.toString(limit.burst()));
        }
        return timeout.bound(redis.execute("EVAL", args.toArray(String[]::new)))
                .map(reply -> decision(reply, limits))
                .onFailure().recoverWithItem(e -> {
                    unchecked.increment();
                    Log.debugf("rate limit not checked (Redis): %s", e.getMessage());
                    return null;
                });
    }

    private Decision decision(Response reply, List<RateLimit> limits) {
        boolean allowed = reply.get(0).toInteger() == 1;
        if (!allowed) {
            limited.increment();
        }
        return new Decision(allowed, limits.get(reply.get(1).toInteger() - 1), Math.max(0, reply.get(2).toLong()),
                Duration.ofMillis(reply.get(3).toLong()));
    }
}
