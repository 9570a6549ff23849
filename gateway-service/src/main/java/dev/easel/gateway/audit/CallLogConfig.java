package dev.easel.gateway.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The call log (docs/configuration.md, "Call log"). */
@ConfigMapping(prefix = "easel.call-log")
public interface CallLogConfig {

    /**
     * Whether the gateway records calls. Off only to measure what the log costs: a gateway with it off says so in
     * a warning at every start.
     */
    @WithDefault("true")
    boolean enabled();

    /** How long a recorded call may wait in memory before it is written (accepted submits never wait). */
    @WithDefault("200ms")
    Duration flushInterval();

    /** Calls written per statement. */
    @WithDefault("1000")
    int batchSize();

    /**
     * Calls held in memory while PostgreSQL is unavailable; past it the newest are dropped (and counted in
     * {@code easel_call_log_dropped_total}).
     */
    @WithDefault("200000")
    int bufferLimit();

    /** How often a gateway looks for recorded calls to number and chain into {@code call_log}. */
    @WithDefault("500ms")
    Duration chainInterval();

    /** Calls chained per transaction. */
    @WithDefault("5000")
    int chainBatch();

    /**
     * After this many calls chained a gateway vacuums {@code call_log_inbox} itself (0: never), so that the inbox, a
     * queue, stays a few pages large even where autovacuum is off or lags behind.
     */
    @WithDefault("10000")
    int vacuumEvery();

    /**
     * Months kept before the current one; older months' partitions are dropped. 0 keeps every month.
     */
    @WithDefault("12")
    int retentionMonths();
}
