package dev.easel.common.event;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.easel.common.job.JobSpec;
import java.time.Instant;
import java.util.Objects;

/**
 * The {@code easel.jobs} message value: a job for a worker to run, for its tenant (under whose prefix its input
 * images are read and its results written; null in records queued before tenants existed). {@code startDeadline}
 * is null when the job
 * has no start deadline; {@code similar} is null when the result is not to be stored for similar-prompt reuse;
 * trace context travels in record headers.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobRequested(String jobId, String tenant, int attempt, JobSpec spec, Instant submittedAt,
                           Instant startDeadline, SimilarReuse similar) {

    public static final int SCHEMA_VERSION = 1;

    public JobRequested {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(submittedAt, "submittedAt");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt counts from 1");
        }
    }

    /** A job whose result is not stored for similar-prompt reuse. */
    public JobRequested(String jobId, String tenant, int attempt, JobSpec spec, Instant submittedAt,
                        Instant startDeadline) {
        this(jobId, tenant, attempt, spec, submittedAt, startDeadline, null);
    }

    @JsonProperty(value = "schema_version", access = JsonProperty.Access.READ_ONLY)
    public int schemaVersion() {
        return SCHEMA_VERSION;
    }

    /** Whether the start deadline has passed at {@code now}: the worker then reports the job expired. */
    public boolean expiredAt(Instant now) {
        return startDeadline != null && now.isAfter(startDeadline);
    }
}
