package dev.easel.worker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How this worker takes jobs from the {@code easel.jobs} share group and runs them. It sits in the worker's root
 * package because slots, runs, cancels and heartbeats all read it: in any one of their packages it would tie the
 * others to that package.
 */
@ConfigMapping(prefix = "easel.worker")
public interface WorkerConfig {

    /** This worker's id in events and heartbeats; default: host name and process id. */
    Optional<String> id();

    /** Jobs run at the same time (one per device is the norm); each slot holds at most one record. */
    @WithDefault("1")
    int slots();

    /**
     * How often a running job's acquisition lock is renewed; keep it well under the group's
     * {@code share.record.lock.duration.ms} (30 s by default).
     */
    @WithDefault("5s")
    Duration renewInterval();

    /**
     * Deliveries before a job counts as poison: at this delivery a transient failure publishes {@code failed} and
     * copies the job to {@code easel.jobs.dlq} instead of releasing it. Match the group's
     * {@code share.delivery.count.limit} (5 by default).
     */
    @WithDefault("5")
    int maxDeliveries();

    /**
     * Longest time the broker holds a free slot's share fetch open when no job is queued ({@code fetch.max.wait.ms};
     * the client's default is 500 ms). Shorter makes the first job after a quiet spell, or after the worker
     * (re)joined the group, reach a free slot sooner, at the cost of one fetch request per interval per idle slot.
     */
    @WithDefault("100ms")
    Duration fetchMaxWait();

    /** Least time between two step-progress events of a job (stage changes are always sent). */
    @WithDefault("250ms")
    Duration progressInterval();

    /**
     * Least time between two previews of a running job (each is a JPEG stored in S3, one PUT request, rendered
     * beside the denoising); the first comes this long into denoising, the last step never has one.
     */
    @WithDefault("1s")
    Duration previewInterval();

    /**
     * How often a running job's cancel flag is read from Redis. Cancels normally arrive at once on the
     * {@code easel:cancels} channel; this re-read is the safety net for a message the worker missed (its
     * subscription was down, or the cancel came just before the job's watch began).
     */
    @WithDefault("1s")
    Duration cancelRecheckInterval();

    /** A job running longer than this is stopped and fails with {@code run_timeout}. */
    @WithDefault("10m")
    Duration runTimeout();

    /** On shutdown, how long running jobs may take to finish before they are released for another worker. */
    @WithDefault("30s")
    Duration shutdownGrace();

    /**
     * Where the worker writes the token that {@code POST /drain} requires, readable by its own user only; made anew
     * at every start. A preStop hook in the same container reads it.
     */
    @WithDefault("/tmp/easel-worker-drain.token")
    Path drainTokenFile();

    /** How often the heartbeat is written to Redis. */
    @WithDefault("5s")
    Duration heartbeatInterval();

    /** How long a heartbeat lives: a worker that stops refreshing drops out after this. */
    @WithDefault("15s")
    Duration heartbeatTtl();
}
