package dev.easel.worker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

class DrainedLivenessTest {

    private static final Instant NOW = Instant.parse("2026-12-08T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Duration GRACE = Duration.ofSeconds(30);

    @Test
    void aWorkerNeverDrainedIsLive() {
        assertThat(new DrainedLiveness(Optional::empty, GRACE, CLOCK).call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }

    @Test
    void aDrainedWorkerIsLiveWithinItsGraceAndDeadAfter() {
        DrainedLiveness within = new DrainedLiveness(() -> Optional.of(NOW.minus(GRACE)), GRACE, CLOCK);
        DrainedLiveness after = new DrainedLiveness(() -> Optional.of(NOW.minus(GRACE).minusMillis(1)), GRACE, CLOCK);

        assertThat(within.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(after.call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(after.call().getData().orElseThrow()).containsKey("drained_at");
    }
}
