package dev.easel.worker.job;

import dev.easel.common.queue.RedisKeys;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;

/** Reads the gateway's cancel flags. Redis being away never cancels a job: the run goes on, logged. */
@ApplicationScoped
public class CancelSignal {

    private final KeyCommands<String> keys;
    private final ReactiveKeyCommands<String> asyncKeys;

    CancelSignal(RedisDataSource redis, ReactiveRedisDataSource reactive) {
        this.keys = redis.key();
        this.asyncKeys = reactive.key();
    }

    /** Asks Redis now and waits for the answer: for the decisions made once per run. */
    public boolean isCanceled(String jobId) {
        try {
            return keys.exists(RedisKeys.cancelFlag(jobId));
        } catch (RuntimeException e) {
            Log.warnf("job %s: cannot read the cancel flag: %s", jobId, e.getMessage());
            return false;
        }
    }

    /** A watch for the denoising loop, which asks at every step and must never wait for Redis. */
    public Watch watch(String jobId) {
        return new Watch(jobId);
    }

    /**
     * The cancel flag of one running job, read beside the work: each {@link #canceled()} answers from what Redis
     * last said and sends the next question if none is on its way. A flag set during a step is seen at the end
     * of the next one at the latest (one step plus a Redis round trip); a blocking read at every step instead
     * cost the denoising thread a thread hand-off and a round trip per step.
     */
    public final class Watch {

        private final String key;
        private final String jobId;
        private final AtomicBoolean asking = new AtomicBoolean();
        private final AtomicBoolean failureLogged = new AtomicBoolean();
        private volatile boolean canceled;

        private Watch(String jobId) {
            this.jobId = jobId;
            this.key = RedisKeys.cancelFlag(jobId);
        }

        public boolean canceled() {
            if (!canceled && asking.compareAndSet(false, true)) {
                asyncKeys.exists(key).subscribe().with(found -> {
                    canceled |= found;
                    asking.set(false);
                }, failure -> {
                    // Asked again at the next step; one line per run, not one per step, while Redis is away.
                    if (failureLogged.compareAndSet(false, true)) {
                        Log.warnf("job %s: cannot read the cancel flag, the run goes on: %s", jobId, failure.getMessage());
                    }
                    asking.set(false);
                });
            }
            return canceled;
        }
    }
}
