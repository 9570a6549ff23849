package dev.easel.gateway.queue;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Queue estimates until workers report their own throughput. */
@ConfigMapping(prefix = "easel.queue")
public interface QueueConfig {

    /** Seconds one job is assumed to take when no job finished recently. */
    @WithDefault("2.0")
    double assumedJobSeconds();

    /** Worker slots assumed to serve the queue when no worker has reported any. */
    @WithDefault("1")
    int assumedSlots();

    /** How often the backlog and throughput figures are recomputed. */
    @WithDefault("1s")
    Duration refreshInterval();

    /** How often queued jobs past their start deadline are expired, and running jobs past the run-time limit failed. */
    @WithDefault("1s")
    Duration deadlineSweepInterval();

    /**
     * Longest a job may stay {@code running} after its start before it fails with {@code run_timeout} (retryable)
     * and its cancel flag is raised: the end of a job whose worker died at its last delivery, when the broker
     * redelivers it no more, or whose run hangs. Progress does not extend it. 0 turns it off.
     */
    @WithDefault("1h")
    Duration maxRunTime();
}
