package dev.easel.gateway.lifecycle;

import dev.easel.common.event.JobEvent;
import dev.easel.common.job.JobStatus;
import dev.easel.gateway.cache.CacheMetrics;
import dev.easel.gateway.store.JobEntity;
import dev.easel.gateway.store.JobIds;
import dev.easel.gateway.updates.JobUpdates;
import dev.easel.gateway.view.ProgressSnapshot;
import dev.easel.gateway.view.ProgressStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Applies one job event: locks the row, runs the {@link JobStateMachine}, keeps progress in Redis, and fans
 * the change out. Safe to call again with the same event (duplicates are recognised by {@code attempt/seq}).
 */
@ApplicationScoped
public class JobEventApplier {

    private final ProgressStore progress;
    private final JobUpdates updates;
    private final Followers followers;
    private final MeterRegistry registry;
    private final CacheMetrics cacheMetrics;
    private final Counter stale;
    private final Counter illegal;
    private final Counter unknownJob;
    private final Timer lag;

    JobEventApplier(ProgressStore progress, JobUpdates updates, Followers followers, MeterRegistry registry,
                    CacheMetrics cacheMetrics) {
        this.cacheMetrics = cacheMetrics;
        this.followers = followers;
        this.progress = progress;
        this.updates = updates;
        this.registry = registry;
        this.stale = Counter.builder("easel_job_events_stale").description("Duplicate or out-of-date job events ignored")
                .register(registry);
        this.illegal = Counter.builder("easel_job_events_illegal")
                .description("Job events that asked for a forbidden status change").register(registry);
        this.unknownJob = Counter.builder("easel_job_events_unknown_job")
                .description("Job events for job ids this gateway has no row for").register(registry);
        this.lag = Timer.builder("easel_job_event_apply_lag_seconds")
                .description("Time from a worker emitting an event to the gateway applying it").register(registry);
    }

    public JobStateMachine.Outcome apply(JobEvent event) {
        Optional<UUID> id = JobIds.parse(event.jobId());
        if (id.isEmpty()) {
            unknownJob.increment();
            Log.warnf("job %s: event %s for an id that is not a job id; ignored", event.jobId(), event.getClass().getSimpleName());
            return JobStateMachine.Outcome.STALE;
        }
        JobEntity[] row = new JobEntity[1];
        Followers.Resolution[] resolution = {Followers.Resolution.NONE};
        JobStateMachine.Outcome outcome = QuarkusTransaction.requiringNew().call(() -> {
            JobEntity job = JobEntity.findById(id.get(), LockModeType.PESSIMISTIC_WRITE);
            if (job == null) {
                return null;
            }
            row[0] = job;
            JobStateMachine.Outcome applied = JobStateMachine.apply(job, event);
            if (applied == JobStateMachine.Outcome.APPLIED && job.jobStatus().isTerminal()) {
                resolution[0] = followers.resolve(job);
            }
            return applied;
        });
        if (outcome == null) {
            unknownJob.increment();
            Log.warnf("job %s: event for an unknown job; ignored", event.jobId());
            return JobStateMachine.Outcome.STALE;
        }
        lag.record(Duration.between(event.at(), Instant.now()).abs());
        JobEntity job = row[0];
        switch (outcome) {
            case STALE -> stale.increment();
            case ILLEGAL -> {
                illegal.increment();
                Log.warnf("job %s: ignored %s (attempt %d, seq %d) in status %s: transition not allowed",
                        event.jobId(), event.getClass().getSimpleName(), event.attempt(), event.seq(), job.status);
            }
            case PROGRESS_ONLY -> progressOf(event);
            case APPLIED -> {
                updates.publish(job, event);
                progressOf(event);
                JobStatus status = job.jobStatus();
                if (status.isTerminal()) {
                    progress.clear(job.id);
                    registry.counter("easel_jobs_finished", "status", status.wireName()).increment();
                    if (event instanceof JobEvent.Succeeded succeeded && succeeded.reused() != null) {
                        cacheMetrics.reusedByWorker();
                    }
                    Log.infof("job %s: %s (attempt %d)", job.id, status.wireName(), event.attempt());
                    followers.afterCommit(job, event, resolution[0]);
                }
            }
        }
        return outcome;
    }

    private void progressOf(JobEvent event) {
        if (event instanceof JobEvent.Progress p) {
            ProgressSnapshot snapshot = ProgressSnapshot.of(p);
            if (progress.putIfNewer(UUID.fromString(p.jobId()), snapshot)) {
                updates.publishProgress(p, snapshot);
            }
        }
    }
}
