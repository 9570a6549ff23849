package dev.easel.gateway.job;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How new job rows are written: group commit by a few writer threads ({@link JobWriter}). */
@ConfigMapping(prefix = "easel.submit")
public interface JobWriterConfig {

    /** Writer threads, each with its own connection; one writes while another waits for its commit to flush. */
    @WithDefault("2")
    int writers();

    /** Most rows one writer commits in one transaction. */
    @WithDefault("128")
    int maxBatch();
}
