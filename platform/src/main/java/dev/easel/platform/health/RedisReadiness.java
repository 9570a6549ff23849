package dev.easel.platform.health;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when Redis answers PING. */
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
            return response.status("PONG".equals(reply)).withData("reply", reply).build();
        } catch (RuntimeException e) {
            return Probes.down(response, e);
        }
    }
}
