package dev.easel.platform.health;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when Redis answers PING. Where Redis is optional ({@code easel.health.redis-required=false}) an
 * unanswered PING reports {@code state: degraded} and keeps the service ready.
 */
@Readiness
@ApplicationScoped
public class RedisReadiness implements HealthCheck {

    private final ReactiveRedisDataSource redis;
    private final HealthConfig config;

    RedisReadiness(ReactiveRedisDataSource redis, HealthConfig config) {
        this.redis = redis;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("redis");
        try {
            String reply = redis.execute("PING").await().atMost(config.timeout()).toString();
            boolean up = "PONG".equals(reply);
            return response.status(up || !config.redisRequired()).withData("reply", reply)
                    .withData("state", up ? "ok" : "degraded").build();
        } catch (RuntimeException e) {
            return config.redisRequired() ? Probes.down(response, e) : Probes.degraded(response, e);
        }
    }
}
