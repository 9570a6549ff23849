package dev.easel.gateway.lifecycle;

import dev.easel.common.cache.CacheOutcome;
import dev.easel.common.event.JobError;
import dev.easel.common.event.JobEvent;
import dev.easel.common.event.JobMetrics;
import dev.easel.common.event.ResultImage;
import dev.easel.common.job.IllegalJobStateChangeException;
import dev.easel.common.job.JobStatus;
import dev.easel.common.job.JobTransitions;
import dev.easel.common.json.JsonCodec;
import dev.easel.gateway.store.JobEntity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Applies job events to a job row: monotonic in {@code (attempt, seq)}, idempotent, and limited to the
 * transitions {@link JobTransitions} allows. The only code that changes a job's status.
 */
public final class JobStateMachine {

    /** The worker id gateway-originated events carry (cancel of a queued job, start-deadline expiry). */
    public static final String GATEWAY = "gateway";
    /** The worker id of events by which the result cache finished a job. */
    public static final String CACHE = "cache";

    /** What applying one event did. */
    public enum Outcome {
        /** The row changed. */
        APPLIED,
        /** A progress event of the running attempt: nothing to write to the row, the snapshot lives in Redis. */
        PROGRESS_ONLY,
        /** The event is at or below what the row has seen (a duplicate, a replay, or an older attempt). */
        STALE,
        /** The event would move the job along a transition the table forbids (e.g. out of a final state). */
        ILLEGAL
    }

    private JobStateMachine() {
    }

    public static Outcome apply(JobEntity job, JobEvent event) {
        if (!isNewer(job, event)) {
            return Outcome.STALE;
        }
        JobStatus current = job.jobStatus();
        JobStatus target = event.status();
        boolean sameAttemptRunning = current == JobStatus.RUNNING && target == JobStatus.RUNNING
                && event.attempt() == job.appliedAttempt;
        if (event instanceof JobEvent.Progress && sameAttemptRunning) {
            return Outcome.PROGRESS_ONLY;
        }
        if (current.isTerminal() && current == target) {
            // A worker that finished a job the gateway had already closed (e.g. canceled while queued).
            return Outcome.STALE;
        }
        if (!sameAttemptRunning && !JobTransitions.isAllowed(current, target)) {
            return Outcome.ILLEGAL;
        }
        if (current == JobStatus.RUNNING || target == JobStatus.RUNNING) {
            // Attempts count runs; a job closed while queued (canceled, expired) never ran.
            job.attempts = Math.max(job.attempts, event.attempt());
        }
        record(job, event);
        return Outcome.APPLIED;
    }

    /** A new job's first status: queued. A row gets a status only through this class. */
    public static void admitQueued(JobEntity job) {
        if (job.status != null) {
            throw new IllegalStateException("job " + job.id + " is " + job.status + " already");
        }
        job.status = JobStatus.QUEUED.wireName();
    }

    /**
     * Finishes a queued job with the result cache's images instead of a worker's (a hit, or the identical job it
     * waited for succeeded). The job never ran, so {@code attempts} stays 0.
     *
     * @return the event applied, as the job's updates announce it
     * @throws IllegalJobStateChangeException when the job is no longer queued
     */
    public static JobEvent answerFromCache(JobEntity job, Instant at, List<ResultImage> images, JobMetrics metrics) {
        return resolveFromCache(job, new JobEvent.Succeeded(job.id.toString(), 1, 0, CACHE, at, images, metrics));
    }

    /**
     * Fails a queued job with the error of the identical job it waited for. The job never ran.
     *
     * @return the event applied, as the job's updates announce it
     * @throws IllegalJobStateChangeException when the job is no longer queued
     */
    public static JobEvent failFromCache(JobEntity job, Instant at, JobError error) {
        return resolveFromCache(job, new JobEvent.Failed(job.id.toString(), 1, 0, CACHE, at, error));
    }

    private static JobEvent resolveFromCache(JobEntity job, JobEvent event) {
        if (job.jobStatus() != JobStatus.QUEUED) {
            throw new IllegalJobStateChangeException(job.jobStatus(), event.status());
        }
        record(job, event);
        return event;
    }

    private static void record(JobEntity job, JobEvent event) {
        job.status = event.status().wireName();
        job.appliedAttempt = event.attempt();
        job.appliedSeq = event.seq();
        switch (event) {
            case JobEvent.Started started -> startedAt(job, event);
            case JobEvent.Progress progress -> startedAt(job, event);
            case JobEvent.Succeeded succeeded -> {
                job.result = new String(JsonCodec.encode(Map.of("images", succeeded.images())),
                        StandardCharsets.UTF_8);
                job.metrics = succeeded.metrics() == null ? null
                        : new String(JsonCodec.encode(succeeded.metrics()), StandardCharsets.UTF_8);
                job.error = null;
                job.completedAt = event.at();
                if (succeeded.reused() != null) {
                    // The worker answered with a similar prompt's result instead of generating.
                    job.cacheOutcome = CacheOutcome.SIMILAR.wireName();
                    job.cacheSource = UUID.fromString(succeeded.reused().jobId());
                    job.cacheSimilarity = succeeded.reused().similarity();
                }
            }
            case JobEvent.Failed failed -> {
                job.error = new String(JsonCodec.encode(failed.error()), StandardCharsets.UTF_8);
                job.completedAt = event.at();
            }
            case JobEvent.Canceled canceled -> job.completedAt = event.at();
            case JobEvent.Expired expired -> job.completedAt = event.at();
        }
    }

    /** Whether {@code (attempt, seq)} of the event is above the highest the row has applied. */
    public static boolean isNewer(JobEntity job, JobEvent event) {
        return event.attempt() > job.appliedAttempt
                || (event.attempt() == job.appliedAttempt && event.seq() > job.appliedSeq);
    }

    private static void startedAt(JobEntity job, JobEvent event) {
        if (job.startedAt == null) {
            job.startedAt = event.at();
        }
    }
}
