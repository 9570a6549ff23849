package dev.easel.worker.job;

import dev.easel.common.queue.RedisKeys;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyCommands;
import jakarta.enterprise.context.ApplicationScoped;

/** Reads the gateway's cancel flags. Redis being away never cancels a job: the run goes on, logged. */
@ApplicationScoped
public class CancelSignal {

    private final KeyCommands<String> keys;

    CancelSignal(RedisDataSource redis) {
        this.keys = redis.key();
    }

    public boolean isCanceled(String jobId) {
        try {
            return keys.exists(RedisKeys.cancelFlag(jobId));
        } catch (RuntimeException e) {
            Log.warnf("job %s: cannot read the cancel flag: %s", jobId, e.getMessage());
            return false;
        }
    }
}
