package dev.easel.common.event;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Objects;

/**
 * The {@code easel.jobs.dlq} value: a job that used up its deliveries, with the last failure, for operators to
 * inspect and, once the cause is fixed, resubmit.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeadLetter(JobRequested job, int deliveries, String workerId, JobError lastError, Instant at) {

    public static final int SCHEMA_VERSION = 1;

    public DeadLetter {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(at, "at");
    }

    @JsonProperty(value = "schema_version", access = JsonProperty.Access.READ_ONLY)
    public int schemaVersion() {
        return SCHEMA_VERSION;
    }
}
