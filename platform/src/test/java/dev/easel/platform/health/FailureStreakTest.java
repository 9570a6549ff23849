package dev.easel.platform.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FailureStreakTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FailureStreak streak = new FailureStreak("queue statistics", registry, Duration.ofMinutes(1), now::get);

    @Test
    void anHourOfOnceASecondFailuresWritesTheFirstThenOneLinePerMinuteThenTheRecovery() {
        List<String> lines = new ArrayList<>();
        for (int second = 0; second < 3600; second++) {
            streak.failed("connection refused").ifPresent(lines::add);
            now.addAndGet(Duration.ofSeconds(1).toNanos());
        }
        streak.succeeded().ifPresent(lines::add);

        assertThat(lines).hasSize(1 + 59 + 1);
        assertThat(lines.getFirst()).isEqualTo("queue statistics: connection refused");
        assertThat(lines.get(1)).isEqualTo("queue statistics: still failing, 61 attempts in 60 s: connection refused");
        assertThat(lines.getLast()).isEqualTo("queue statistics: working again after 3600 failed attempts over 3600 s");
        assertThat(registry.get("easel_task_failures").tag("task", "queue_statistics").counter().count())
                .as("every attempt counted, logged or not").isEqualTo(3600);
    }

    @Test
    void aSuccessOutsideAStreakSaysNothingAndANewStreakStartsOver() {
        assertThat(streak.succeeded()).isEmpty();
        assertThat(streak.failed("timeout")).contains("queue statistics: timeout");
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(streak.succeeded()).contains("queue statistics: working again after 1 failed attempt over 2 s");
        assertThat(streak.succeeded()).isEmpty();

        assertThat(streak.failed("reset")).contains("queue statistics: reset");
        assertThat(streak.failed("reset")).isEqualTo(Optional.empty());
    }
}
