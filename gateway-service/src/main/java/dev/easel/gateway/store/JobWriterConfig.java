package dev.easel.gateway.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How new job rows are written: group commit by a few writer threads ({@link JobWriter}). */
@ConfigMapping(prefix = "easel.submit")
public interface JobWriterConfig {

    /**
     * Writer threads, each borrowing a pooled connection per batch; one writes while another's commit flushes. Also
     * the most writes at a time: a request that finds none queued and a share free writes its own row.
     */
    @WithDefault("2")
    int writers();

    /** Most rows one writer commits in one statement. */
    @WithDefault("128")
    int maxBatch();

    /**
     * Longest a request waits for its row's commit before it answers 503 (a database that accepts connections
     * but does not answer); the row may still be committed, so clients retry with their Idempotency-Key.
     */
    @WithDefault("30s")
    Duration commitTimeout();
}
