package dev.easel.gateway.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How long the queue statistics wait between recounts. */
class QueueRefreshTest {

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    @Test
    void aCheapCountRunsEveryRefreshInterval() {
        assertThat(QueueEstimator.nextRefreshDelay(INTERVAL, Duration.ofMillis(3))).isEqualTo(INTERVAL);
        assertThat(QueueEstimator.nextRefreshDelay(INTERVAL, Duration.ofMillis(50))).isEqualTo(INTERVAL);
    }

    @Test
    void anExpensiveCountIsSpacedByItsOwnCost() {
        assertThat(QueueEstimator.nextRefreshDelay(INTERVAL, Duration.ofMillis(150))).isEqualTo(Duration.ofSeconds(3));
        assertThat(QueueEstimator.nextRefreshDelay(INTERVAL, Duration.ofMillis(400))).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void aCountSlowedByAHungDatabaseDelaysTheNextByTenIntervalsAtMost() {
        assertThat(QueueEstimator.nextRefreshDelay(INTERVAL, Duration.ofSeconds(12))).isEqualTo(Duration.ofSeconds(10));
        assertThat(QueueEstimator.nextRefreshDelay(INTERVAL, Duration.ofMillis(600))).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aLongerConfiguredIntervalStillWins() {
        assertThat(QueueEstimator.nextRefreshDelay(Duration.ofSeconds(10), Duration.ofMillis(150)))
                .isEqualTo(Duration.ofSeconds(10));
    }
}
