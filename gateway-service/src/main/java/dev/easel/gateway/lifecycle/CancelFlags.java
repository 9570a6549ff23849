package dev.easel.gateway.lifecycle;

import dev.easel.common.queue.RedisKeys;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.pubsub.PubSubCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.UUID;

/**
 * The Redis flag workers read before starting a job ({@code easel:cancel:{id}}), announced on
 * {@link RedisKeys#CANCELS} so that the worker running the job stops at the end of its current step. The job row
 * stays the record of the cancel; the flag is how a worker hears about it without a database.
 */
@ApplicationScoped
public class CancelFlags {

    private static final Duration TTL = Duration.ofDays(2);

    private final ValueCommands<String, String> values;
    private final PubSubCommands<String> pubsub;

    CancelFlags(RedisDataSource redis) {
        this.values = redis.value(String.class);
        this.pubsub = redis.pubsub(String.class);
    }

    public static String key(UUID jobId) {
        return RedisKeys.cancelFlag(jobId.toString());
    }

    /**
     * Raises the flag and announces it; returns false (logged) when the flag could not be set. A flag set but not
     * announced is still found by the worker's periodic read of it.
     */
    public boolean raise(UUID jobId) {
        try {
            values.set(key(jobId), "1", new SetArgs().ex(TTL));
        } catch (RuntimeException e) {
            Log.warnf("job %s: cancel flag not set, Redis unavailable: %s", jobId, e.getMessage());
            return false;
        }
        try {
            pubsub.publish(RedisKeys.CANCELS, jobId.toString());
        } catch (RuntimeException e) {
            Log.warnf("job %s: cancel flag set but not announced (the worker reads it within its recheck interval): %s",
                    jobId, e.getMessage());
        }
        return true;
    }
}
