package dev.easel.worker.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.easel.common.queue.RedisKeys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Cancel flags as the gateway sets them in the real Redis, read the way a run reads them. */
@QuarkusTest
class CancelSignalIT {

    @Inject
    CancelSignal cancels;

    @Inject
    RedisDataSource redis;

    @Test
    void aWatchSeesAFlagSetWhileItRunsAndNeverOneThatIsNotThere() throws Exception {
        String job = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        CancelSignal.Watch watch = cancels.watch(job);
        CancelSignal.Watch untouched = cancels.watch(other);
        for (int step = 0; step < 20; step++) {
            assertThat(watch.canceled()).isFalse();
            assertThat(untouched.canceled()).isFalse();
            Thread.sleep(5);
        }

        redis.value(String.class).set(RedisKeys.cancelFlag(job), "1");

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(watch::canceled);
        assertThat(untouched.canceled()).isFalse();
        assertThat(cancels.isCanceled(job)).isTrue();
        assertThat(cancels.isCanceled(other)).isFalse();
    }
}
