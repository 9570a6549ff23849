package dev.easel.gateway.job;

import dev.easel.common.cache.CacheOutcome;
import dev.easel.common.event.JobEvent;
import dev.easel.common.job.IllegalJobStateChangeException;
import dev.easel.common.job.JobStatus;
import dev.easel.common.job.JobTransitions;
import dev.easel.common.json.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * Applies job events to a job row: monotonic in {@code (attempt, seq)}, idempotent, and limited to the
 * transitions {@link JobTransitions} allows. The only code that changes a job's status.
 */
public final class JobStateMachine {

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

    /**
     * Finishes a queued job with the result cache's answer instead of a worker's: {@code Succeeded} with reused
     * images (a hit, or the identical job it waited for succeeded), or {@code Failed} with that job's error. The
     * job never ran, so {@code attempts} stays 0.
     *
     * @throws IllegalJobStateChangeException when the job is no longer queued
     */
    public static void resolveFromCache(JobEntity job, JobEvent event) {
        if (!(event instanceof JobEvent.Succeeded) && !(event instanceof JobEvent.Failed)) {
            throw new IllegalArgumentException("the cache answers with Succeeded or Failed, not " + event);
        }
        if (job.jobStatus() != JobStatus.QUEUED) {
            throw new IllegalJobStateChangeException(job.jobStatus(), event.status());
        }
        record(job, event);
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
