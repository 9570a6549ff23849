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

    /** How often queued jobs past their start deadline are expired. */
    @WithDefault("1s")
    Duration deadlineSweepInterval();
}
