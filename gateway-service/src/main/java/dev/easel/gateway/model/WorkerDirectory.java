package dev.easel.gateway.model;

import dev.easel.common.json.JsonCodec;
import dev.easel.common.queue.RedisKeys;
import dev.easel.common.queue.WorkerHeartbeat;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.keys.KeyScanArgs;
import io.quarkus.redis.datasource.value.ValueCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The live workers, read from their Redis heartbeats ({@code easel:workers:*}, each expiring when its worker
 * stops refreshing it) and cached for a second so that submits do not scan Redis.
 */
@ApplicationScoped
public class WorkerDirectory {

    private static final Duration CACHE = Duration.ofSeconds(1);

    private final KeyCommands<String> keys;
    private final ValueCommands<String, String> values;
    private volatile List<WorkerHeartbeat> cached = List.of();
    private volatile long readAt;

    WorkerDirectory(RedisDataSource redis) {
        this.keys = redis.key();
        this.values = redis.value(String.class);
    }

    /** The workers alive now; empty when none is, or when Redis cannot be read (logged). */
    public List<WorkerHeartbeat> workers() {
        long now = System.nanoTime();
        if (now - readAt < CACHE.toNanos()) {
            return cached;
        }
        List<WorkerHeartbeat> workers = new ArrayList<>();
        try {
            for (String key : keys.scan(new KeyScanArgs().match(RedisKeys.WORKER_PREFIX + "*").count(100)).toIterable()) {
                String json = values.get(key);
                if (json != null) {
                    workers.add(JsonCodec.decode(json.getBytes(StandardCharsets.UTF_8), WorkerHeartbeat.class));
                }
            }
        } catch (RuntimeException e) {
            Log.warnf("worker heartbeats unavailable: %s", e.getMessage());
        }
        cached = List.copyOf(workers);
        readAt = now;
        return cached;
    }
}
