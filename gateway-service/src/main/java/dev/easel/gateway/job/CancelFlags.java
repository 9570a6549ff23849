package dev.easel.gateway.job;

import dev.easel.common.queue.RedisKeys;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.UUID;

/**
 * The Redis flag workers read before starting a job and between denoising steps ({@code easel:cancel:{id}}).
 * The job row stays the record of the cancel; the flag is how a worker hears about it without a database.
 */
@ApplicationScoped
public class CancelFlags {

    private static final Duration TTL = Duration.ofDays(2);

    private final ValueCommands<String, String> values;

    CancelFlags(RedisDataSource redis) {
        this.values = redis.value(String.class);
    }

    public static String key(UUID jobId) {
        return RedisKeys.cancelFlag(jobId.toString());
    }

    /** Raises the flag; returns false (logged) when Redis is unreachable. */
    public boolean raise(UUID jobId) {
        try {
            values.set(key(jobId), "1", new SetArgs().ex(TTL));
            return true;
        } catch (RuntimeException e) {
            Log.warnf("job %s: cancel flag not set, Redis unavailable: %s", jobId, e.getMessage());
            return false;
        }
    }
}
