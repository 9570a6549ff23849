package dev.easel.platform.health;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How long a readiness probe waits for one dependency before reporting it DOWN. */
@ConfigMapping(prefix = "easel.health")
public interface HealthConfig {

    /** Time limit of each dependency check in {@code /q/health/ready}. */
    @WithDefault("3s")
    Duration timeout();

    /**
     * Whether the service is unready without Redis. The gateway serves without it (the cache is bypassed,
     * progress is hidden), so it reports Redis as degraded instead of taking itself out of rotation.
     */
    @WithDefault("true")
    boolean redisRequired();
}
