package dev.easel.common.event;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.easel.common.job.JobStage;
import dev.easel.common.job.JobStatus;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Something that happened to a job, as published on {@code easel.job-events}.
 *
 * <p>{@code attempt} is the 1-based delivery attempt and {@code seq} increases within one job and attempt,
 * so the gateway can drop duplicate and stale events. {@code workerId} names the process that emitted it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = JobEvent.Started.class, name = "started"),
        @JsonSubTypes.Type(value = JobEvent.Progress.class, name = "progress"),
        @JsonSubTypes.Type(value = JobEvent.Succeeded.class, name = "succeeded"),
        @JsonSubTypes.Type(value = JobEvent.Failed.class, name = "failed"),
        @JsonSubTypes.Type(value = JobEvent.Canceled.class, name = "canceled"),
        @JsonSubTypes.Type(value = JobEvent.Expired.class, name = "expired")
})
@JsonIgnoreProperties(ignoreUnknown = true)
public sealed interface JobEvent {

    int SCHEMA_VERSION = 1;

    String jobId();

    int attempt();

    long seq();

    String workerId();

    Instant at();

    @JsonProperty(value = "schema_version", access = JsonProperty.Access.READ_ONLY)
    default int schemaVersion() {
        return SCHEMA_VERSION;
    }

    /** The status the job has once this event is applied. */
    default JobStatus status() {
        return switch (this) {
            case Started started -> JobStatus.RUNNING;
            case Progress progress -> JobStatus.RUNNING;
            case Succeeded succeeded -> JobStatus.SUCCEEDED;
            case Failed failed -> JobStatus.FAILED;
            case Canceled canceled -> JobStatus.CANCELED;
            case Expired expired -> JobStatus.EXPIRED;
        };
    }

    /** A worker began an attempt. */
    record Started(String jobId, int attempt, long seq, String workerId, Instant at) implements JobEvent {
        public Started {
            requireCommon(jobId, attempt, seq, workerId, at);
        }
    }

    /** Pipeline progress; {@code previewKey} is the storage key of a fresh preview, or null. */
    record Progress(String jobId, int attempt, long seq, String workerId, Instant at,
                    JobStage stage, int step, int steps, String previewKey) implements JobEvent {
        public Progress {
            requireCommon(jobId, attempt, seq, workerId, at);
            Objects.requireNonNull(stage, "stage");
        }
    }

    /**
     * The images are stored; {@code metrics} may be null when the worker measured nothing; {@code reused} names the
     * job whose images these are when the worker answered with a similar prompt's result instead of generating.
     */
    record Succeeded(String jobId, int attempt, long seq, String workerId, Instant at,
                     List<ResultImage> images, JobMetrics metrics, ReusedResult reused) implements JobEvent {
        public Succeeded {
            requireCommon(jobId, attempt, seq, workerId, at);
            images = List.copyOf(images);
        }

        /** Images this attempt generated. */
        public Succeeded(String jobId, int attempt, long seq, String workerId, Instant at, List<ResultImage> images,
                         JobMetrics metrics) {
            this(jobId, attempt, seq, workerId, at, images, metrics, null);
        }
    }

    /** The attempt failed and will not be retried by the worker. */
    record Failed(String jobId, int attempt, long seq, String workerId, Instant at, JobError error)
            implements JobEvent {
        public Failed {
            requireCommon(jobId, attempt, seq, workerId, at);
            Objects.requireNonNull(error, "error");
        }
    }

    /** The job stopped because it was canceled. */
    record Canceled(String jobId, int attempt, long seq, String workerId, Instant at) implements JobEvent {
        public Canceled {
            requireCommon(jobId, attempt, seq, workerId, at);
        }
    }

    /** The start deadline passed before the job started; it never ran. */
    record Expired(String jobId, int attempt, long seq, String workerId, Instant at) implements JobEvent {
        public Expired {
            requireCommon(jobId, attempt, seq, workerId, at);
        }
    }

    private static void requireCommon(String jobId, int attempt, long seq, String workerId, Instant at) {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(at, "at");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt counts from 1");
        }
        if (seq < 0) {
            throw new IllegalArgumentException("seq must not be negative");
        }
    }
}
