package dev.easel.platform.kafka;

import dev.easel.common.queue.Topics;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Topic and group names. The defaults are the contract's ({@link Topics}); tests and side-by-side
 * deployments on one cluster override them.
 */
@ConfigMapping(prefix = "easel.topics")
public interface TopicsConfig {

    /** Jobs for workers. */
    @WithDefault(Topics.JOBS)
    String jobs();

    /** Events from workers (and the gateway). */
    @WithDefault(Topics.JOB_EVENTS)
    String jobEvents();

    /** Jobs that used up their deliveries. */
    @WithDefault(Topics.JOBS_DLQ)
    String deadLetters();

    /** The workers' share group on {@link #jobs()}. */
    @WithDefault(Topics.WORKER_SHARE_GROUP)
    String workerGroup();

    /** The gateways' consumer group on {@link #jobEvents()}. */
    @WithDefault(Topics.GATEWAY_GROUP)
    String gatewayGroup();
}
