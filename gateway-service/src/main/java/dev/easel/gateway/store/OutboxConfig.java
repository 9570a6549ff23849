package dev.easel.gateway.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The relay that moves committed outbox rows to Kafka. */
@ConfigMapping(prefix = "easel.outbox")
public interface OutboxConfig {

    /** Whether this replica runs a relay (every replica may; rows are claimed with SKIP LOCKED). */
    @WithDefault("true")
    boolean relayEnabled();

    /** How often the relay looks for rows nobody woke it for (other replicas, rows left by a crash). */
    @WithDefault("500ms")
    Duration pollInterval();

    /**
     * How long the relay waits, once woken by a commit, before it takes its next batch, when its last batch carried
     * more than one row (commits are coming in faster than it publishes): the commits of that moment then go out
     * in one round (a transaction, a produce request) instead of several. A row committed after a quiet moment
     * goes out at once. 0 turns it off.
     */
    @WithDefault("3ms")
    Duration linger();

    /** Rows claimed and published per round trip. */
    @WithDefault("256")
    int batchSize();

    /** Longest wait between attempts while Kafka refuses records; the wait doubles from 100 ms up to this. */
    @WithDefault("5s")
    Duration maxBackoff();

    /**
     * After this many deleted rows the relay vacuums {@code job_outbox} itself (0: never), so that the queue
     * table stays a few pages large even where autovacuum is off or lags behind.
     */
    @WithDefault("10000")
    int vacuumEvery();

    /** How long one batch may wait for the broker's acknowledgements before it counts as failed. */
    @WithDefault("15s")
    Duration sendTimeout();
}
