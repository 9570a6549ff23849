package dev.easel.gateway.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.easel.common.json.JsonCodec;
import dev.easel.common.queue.RedisKeys;
import dev.easel.common.queue.WorkerHeartbeat;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The gateway finds workers through the heartbeat index, and only the ones whose heartbeat is still due. */
@QuarkusTest
class WorkerDirectoryIT {

    @Inject
    RedisDataSource redis;

    @Inject
    WorkerDirectory directory;

    @Test
    void listsIndexedWorkersWithALiveHeartbeatAndDropsExpiredOnes() {
        String live = "it-live-" + UUID.randomUUID();
        String expired = "it-expired-" + UUID.randomUUID();
        String unindexed = "it-unindexed-" + UUID.randomUUID();
        beat(live, Instant.now().plusSeconds(60));
        beat(expired, Instant.now().minusSeconds(1));
        redis.value(String.class).set(RedisKeys.worker(unindexed), heartbeat(unindexed), new SetArgs().ex(Duration.ofMinutes(1)));
        try {
            // a refresh after both were written prunes the index entry whose heartbeat expired
            await().atMost(Duration.ofSeconds(10)).until(() -> ids().contains(live)
                    && redis.sortedSet(String.class).zscore(RedisKeys.WORKERS, expired).isEmpty());
            assertThat(ids()).doesNotContain(expired, unindexed);
            assertThat(directory.workers()).filteredOn(w -> w.workerId().equals(live)).singleElement()
                    .satisfies(w -> assertThat(w.slots()).isEqualTo(3));

            redis.sortedSet(String.class).zrem(RedisKeys.WORKERS, live);
            await().atMost(Duration.ofSeconds(10)).until(() -> !ids().contains(live));
        } finally {
            redis.sortedSet(String.class).zrem(RedisKeys.WORKERS, live, expired);
            redis.key().del(RedisKeys.worker(live), RedisKeys.worker(expired), RedisKeys.worker(unindexed));
        }
    }

    @Test
    void aHeartbeatThisGatewayCannotReadLeavesOutThatWorkerOnly() {
        String live = "it-live-" + UUID.randomUUID();
        String unreadable = "it-unreadable-" + UUID.randomUUID();
        beat(live, Instant.now().plusSeconds(60));
        // What a newer worker might announce: a field value this gateway has no name for.
        redis.value(String.class).set(RedisKeys.worker(unreadable), heartbeat(unreadable).replace("\"cpu\"", "{\"new\": 1}"),
                new SetArgs().ex(Duration.ofMinutes(1)));
        redis.sortedSet(String.class).zadd(RedisKeys.WORKERS, Instant.now().plusSeconds(60).toEpochMilli(), unreadable);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> ids().contains(live));
            assertThat(ids()).doesNotContain(unreadable);
        } finally {
            redis.sortedSet(String.class).zrem(RedisKeys.WORKERS, live, unreadable);
            redis.key().del(RedisKeys.worker(live), RedisKeys.worker(unreadable));
        }
    }

    private List<String> ids() {
        return directory.workers().stream().map(WorkerHeartbeat::workerId).toList();
    }

    private void beat(String id, Instant expiresAt) {
        redis.value(String.class).set(RedisKeys.worker(id), heartbeat(id), new SetArgs().ex(Duration.ofMinutes(1)));
        redis.sortedSet(String.class).zadd(RedisKeys.WORKERS, expiresAt.toEpochMilli(), id);
    }

    private static String heartbeat(String id) {
        return new String(JsonCodec.encode(new WorkerHeartbeat(id, List.of(), "cpu", 3, 0, 12.5, Instant.now())),
                StandardCharsets.UTF_8);
    }
}
