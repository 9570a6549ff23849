package dev.easel.worker.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.easel.common.queue.RedisKeys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.pubsub.PubSubCommands;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cancels as the gateway sends them through the real Redis, heard the way a run hears them. */
@QuarkusTest
class CancelSignalIT {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Inject
    CancelSignal cancels;

    @Inject
    RedisDataSource redis;

    private PubSubCommands<String> pubsub;

    @BeforeEach
    void workerIsListening() {
        pubsub = redis.pubsub(String.class);
        // The worker subscribes as it starts; the subscription may still be on its way when a test begins.
        await().atMost(WAIT).until(() -> redis.execute("PUBSUB", "NUMSUB", RedisKeys.CANCELS).get(1).toLong() > 0);
    }

    @Test
    void anAnnouncedCancelReachesTheWatchWithoutAnyFlagToRead() {
        String job = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        try (CancelSignal.Watch watch = cancels.watch(job); CancelSignal.Watch untouched = cancels.watch(other)) {
            assertThat(watch.canceled()).isFalse();

            // No flag is set: the watch's own reads find nothing, so only the message can raise it.
            pubsub.publish(RedisKeys.CANCELS, job);

            await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(watch::canceled);
            assertThat(untouched.canceled()).isFalse();
            assertThat(cancels.isCanceled(job)).isFalse();
        }
    }

    @Test
    void aFlagThatWasNeverAnnouncedIsFoundByTheWatchsOwnRecheck() {
        String job = UUID.randomUUID().toString();
        try (CancelSignal.Watch watch = cancels.watch(job)) {
            assertThat(watch.canceled()).isFalse();

            redis.value(String.class).set(RedisKeys.cancelFlag(job), "1");

            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(watch::canceled);
            assertThat(cancels.isCanceled(job)).isTrue();
        }
    }

    @Test
    void aClosedWatchIsNoLongerRaised() {
        String done = UUID.randomUUID().toString();
        String running = UUID.randomUUID().toString();
        CancelSignal.Watch closed = cancels.watch(done);
        closed.close();
        try (CancelSignal.Watch open = cancels.watch(running)) {
            pubsub.publish(RedisKeys.CANCELS, done);
            pubsub.publish(RedisKeys.CANCELS, running);

            // Messages on one channel arrive in order: once the second is heard, the first was handled before it.
            await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(open::canceled);
            assertThat(closed.canceled()).isFalse();
        }
    }

    @Test
    void aDroppedSubscriptionComesBackOnceAndHearsCancelsAgain() throws InterruptedException {
        long before = subscribers();
        // Redis drops every subscriber connection (a restart or failover looks the same from here).
        redis.execute("CLIENT", "KILL", "TYPE", "pubsub");

        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> subscribers() >= before);
        Thread.sleep(3 * 1000); // three resubscribe delays: time for a second resubscription to show
        assertThat(subscribers()).as("one subscription per worker, not one per callback of the lost one").isEqualTo(before);

        String job = UUID.randomUUID().toString();
        try (CancelSignal.Watch watch = cancels.watch(job)) {
            assertThat(watch.canceled()).isFalse();
            pubsub.publish(RedisKeys.CANCELS, job);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(watch::canceled);
        }
    }

    private long subscribers() {
        return redis.execute("PUBSUB", "NUMSUB", RedisKeys.CANCELS).get(1).toLong();
    }
}
