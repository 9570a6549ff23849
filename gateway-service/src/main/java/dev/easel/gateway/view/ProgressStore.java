package dev.easel.gateway.view;

import dev.easel.common.json.JsonCodec;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Live progress snapshots in Redis, one small value per running job, so progress never costs a database write.
 * Redis being away only hides progress: reads answer empty and writes are dropped, both logged.
 */
@ApplicationScoped
public class ProgressStore {

    private static final Duration TTL = Duration.ofHours(6);

    private final ValueCommands<String, String> values;

    ProgressStore(RedisDataSource redis) {
        this.values = redis.value(String.class);
    }

    static String key(UUID jobId) {
        return "easel:progress:" + jobId;
    }

    public Optional<ProgressSnapshot> get(UUID jobId) {
        try {
            String json = values.get(key(jobId));
            return json == null ? Optional.empty()
                    : Optional.of(JsonCodec.decode(json.getBytes(StandardCharsets.UTF_8), ProgressSnapshot.class));
        } catch (RuntimeException e) {
            Log.debugf("job %s: progress snapshot unavailable: %s", jobId, e.getMessage());
            return Optional.empty();
        }
    }

    /** Stores the snapshot unless a newer one is already there; returns whether it was stored. */
    public boolean putIfNewer(UUID jobId, ProgressSnapshot snapshot) {
        try {
            Optional<ProgressSnapshot> current = get(jobId);
            if (current.isPresent() && !current.get().isOlderThan(snapshot)) {
                return false;
            }
            values.set(key(jobId), new String(JsonCodec.encode(snapshot), StandardCharsets.UTF_8),
                    new SetArgs().ex(TTL));
            return true;
        } catch (RuntimeException e) {
            Log.warnf("job %s: progress snapshot not stored: %s", jobId, e.getMessage());
            return false;
        }
    }

    public void clear(UUID jobId) {
        try {
            values.getdel(key(jobId));
        } catch (RuntimeException e) {
            Log.warnf("job %s: progress snapshot not cleared: %s", jobId, e.getMessage());
        }
    }
}
