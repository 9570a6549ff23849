package dev.easel.worker.job;

import dev.easel.common.queue.RedisKeys;
import dev.easel.worker.WorkerConfig;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hears of the gateway's cancels. Redis being away never cancels a job: the run goes on, logged.
 *
 * <p>A running job's {@link Watch} is raised two ways. The gateway announces every flag it sets on
 * {@link RedisKeys#CANCELS}, to which this worker stays subscribed, so a cancel reaches the watch within a round
 * trip and the job stops at the end of its current step. And the watch reads the flag itself now and then
 * ({@code cancel-recheck-interval}), for a message missed while the subscription was down or sent just before the
 * watch began. The denoising thread only ever reads a field: asking Redis at every step cost it a thread hand-off
 * and, on a busy machine, the loss of its core to the woken event loop (~1 ms per step measured on two cores).
 */
@ApplicationScoped
public class CancelSignal {

    private static final Duration RESUBSCRIBE_AFTER = Duration.ofSeconds(1);

    private final KeyCommands<String> keys;
    private final ReactiveKeyCommands<String> asyncKeys;
    private final ReactivePubSubCommands<String> pubsub;
    private final Vertx vertx;
    private final long recheckNanos;
    private final Map<String, Watch> watching = new ConcurrentHashMap<>();
    private final AtomicBoolean lost = new AtomicBoolean();
    // Which subscription attempt is current: its first failure signal schedules the next, any later one is ignored.
    private final AtomicLong attempt = new AtomicLong();
    private volatile boolean stopped;
    private volatile ReactivePubSubCommands.ReactiveRedisSubscriber subscriber;

    CancelSignal(RedisDataSource redis, ReactiveRedisDataSource reactive, Vertx vertx, WorkerConfig config) {
        this.keys = redis.key();
        this.asyncKeys = reactive.key();
        this.pubsub = reactive.pubsub(String.class);
        this.vertx = vertx;
        this.recheckNanos = config.cancelRecheckInterval().toNanos();
    }

    void start(@Observes StartupEvent event) {
        subscribe();
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        unsubscribeQuietly(subscriber);
    }

    /**
     * Subscribes to the cancel channel, and again a second after the subscription fails or its connection ends;
     * one line is logged when it is lost and one when it is back, however long Redis stays away. A connection can
     * report its loss more than once (an error, then its end): only the first schedules a new subscription, so
     * the worker never holds two.
     */
    private void subscribe() {
        if (stopped) {
            return;
        }
        long current = attempt.get();
        pubsub.subscribe(RedisKeys.CANCELS, this::heard, () -> resubscribeLater(current, "its connection ended"),
                        failure -> resubscribeLater(current, failure.getMessage()))
                .subscribe().with(s -> {
                    if (attempt.get() != current) {
                        // This attempt was reported lost before its answer came: a newer one is on its way.
                        unsubscribeQuietly(s);
                        return;
                    }
                    subscriber = s;
                    if (lost.compareAndSet(true, false)) {
                        Log.infof("subscribed to %s again", RedisKeys.CANCELS);
                    }
                }, failure -> resubscribeLater(current, failure.getMessage()));
    }

    private void resubscribeLater(long lostAttempt, String why) {
        if (stopped || !attempt.compareAndSet(lostAttempt, lostAttempt + 1)) {
            return;
        }
        // Where the connection survived the error, its subscription would otherwise go on beside the new one.
        unsubscribeQuietly(subscriber);
        subscriber = null;
        if (lost.compareAndSet(false, true)) {
            Log.warnf("cancel channel %s lost (%s); cancels are read from their flags until it is back",
                    RedisKeys.CANCELS, why);
        }
        vertx.setTimer(RESUBSCRIBE_AFTER.toMillis(), id -> subscribe());
    }

    /** Ends a subscription without waiting; a failure means its connection is gone, and the subscription with it. */
    private static void unsubscribeQuietly(ReactivePubSubCommands.ReactiveRedisSubscriber subscription) {
        if (subscription != null) {
            subscription.unsubscribe().subscribe().with(ignored -> { }, failure -> { });
        }
    }

    private void heard(String jobId) {
        Watch watch = watching.get(jobId);
        if (watch != null) {
            watch.canceled = true;
        }
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

    /** A watch for the denoising loop, which asks at every step and must never wait for Redis; close it after the run. */
    public Watch watch(String jobId) {
        Watch watch = new Watch(jobId);
        watching.put(jobId, watch);
        return watch;
    }

    /** The cancel state of one running job: raised by the channel, or found by its own occasional read of the flag. */
    public final class Watch implements AutoCloseable {

        private final String key;
        private final String jobId;
        private final AtomicBoolean asking = new AtomicBoolean();
        private final AtomicBoolean failureLogged = new AtomicBoolean();
        private volatile boolean canceled;
        // When the flag was last read; set one interval back, so that the first call reads it.
        private long askedAt = System.nanoTime() - recheckNanos;

        private Watch(String jobId) {
            this.jobId = jobId;
            this.key = RedisKeys.cancelFlag(jobId);
        }

        /**
         * Whether the job was canceled, from what this worker has heard so far; never waits. The first call, and
         * then one call per recheck interval, also sends a read of the flag whose answer a later call sees.
         */
        public boolean canceled() {
            if (!canceled && System.nanoTime() - askedAt >= recheckNanos && asking.compareAndSet(false, true)) {
                askedAt = System.nanoTime();
                asyncKeys.exists(key).subscribe().with(found -> {
                    if (Boolean.TRUE.equals(found)) {
                        canceled = true; // never back to false: a message may have raised it meanwhile
                    }
                    asking.set(false);
                }, failure -> {
                    // One line per run, not one per read, while Redis is away.
                    if (failureLogged.compareAndSet(false, true)) {
                        Log.warnf("job %s: cannot read the cancel flag, the run goes on: %s", jobId, failure.getMessage());
                    }
                    asking.set(false);
                });
            }
            return canceled;
        }

        @Override
        public void close() {
            watching.remove(jobId, this);
        }
    }
}
