package dev.easel.common.queue;

/** Kafka topic, group and header names shared by the gateway and the workers. */
public final class Topics {

    /** Jobs to run, keyed by job id; values are {@code JobRequested}. */
    public static final String JOBS = "easel.jobs";
    /** Job events, keyed by job id; values are {@code JobEvent}. */
    public static final String JOB_EVENTS = "easel.job-events";
    /** Jobs that exhausted their delivery attempts, keyed by job id. */
    public static final String JOBS_DLQ = "easel.jobs.dlq";

    /** The share group workers acquire jobs through. */
    public static final String WORKER_SHARE_GROUP = "easel-workers";
    /** The consumer group the gateway applies job events in. */
    public static final String GATEWAY_GROUP = "easel-gateway";

    /** The schema version of the record value, as a decimal string, readable without parsing the value. */
    public static final String SCHEMA_HEADER = "easel-schema";

    private Topics() {
    }
}
