package dev.easel.worker.cluster;

import dev.easel.worker.WorkerConfig;
import dev.easel.worker.queue.JobSlots;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live until a drain has ended and {@code shutdown-grace} has passed since: a drained worker takes no job again,
 * so a worker drained by hand (rather than by a preStop hook, after which it stops anyway) reports itself dead and
 * is restarted instead of idling for good.
 */
@Liveness
@ApplicationScoped
public class DrainedLiveness implements HealthCheck {

    private final Supplier<Optional<Instant>> drained;
    private final Duration grace;
    private final Clock clock;

    @Inject
    DrainedLiveness(JobSlots slots, WorkerConfig config) {
        this(slots::drained, config.shutdownGrace(), Clock.systemUTC());
    }

    DrainedLiveness(Supplier<Optional<Instant>> drained, Duration grace, Clock clock) {
        this.drained = drained;
        this.grace = grace;
        this.clock = clock;
    }

    @Override
    public HealthCheckResponse call() {
        Optional<Instant> at = drained.get();
        boolean dead = at.isPresent() && clock.instant().isAfter(at.get().plus(grace));
        HealthCheckResponseBuilder response = HealthCheckResponse.named("drain").status(!dead);
        at.ifPresent(time -> response.withData("drained_at", time.toString()));
        return response.build();
    }
}
