package dev.easel.gateway.lifecycle;

import dev.easel.common.event.JobEvent;
import dev.easel.common.job.JobStatus;
import dev.easel.gateway.store.JobEntity;
import dev.easel.gateway.store.JobIds;
import dev.easel.gateway.store.JobNotFoundException;
import dev.easel.gateway.updates.JobUpdates;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.UUID;

/** A client's cancel: of a queued job at once, of a running one through its worker. */
@ApplicationScoped
public class JobCancellation {

    private final CancelFlags cancelFlags;
    private final JobUpdates updates;
    private final Followers followers;

    JobCancellation(CancelFlags cancelFlags, JobUpdates updates, Followers followers) {
        this.cancelFlags = cancelFlags;
        this.updates = updates;
        this.followers = followers;
    }

    /**
     * Cancels a job: a queued job ends as {@code canceled} at once; a running one gets a cancel request that
     * its worker honours at the next step. Finished jobs are returned unchanged.
     */
    public JobEntity cancel(String id) {
        UUID uuid = JobIds.parse(id).orElseThrow(() -> new JobNotFoundException(id));
        JobEvent[] applied = new JobEvent[1];
        Followers.Resolution[] resolution = {Followers.Resolution.NONE};
        JobEntity job = QuarkusTransaction.requiringNew().call(() -> {
            JobEntity row = JobEntity.findById(uuid, LockModeType.PESSIMISTIC_WRITE);
            if (row == null) {
                throw new JobNotFoundException(id);
            }
            switch (row.jobStatus()) {
                case QUEUED -> {
                    JobEvent event = new JobEvent.Canceled(row.id.toString(), Math.max(1, row.appliedAttempt),
                            row.appliedSeq + 1, JobStateMachine.GATEWAY, Instant.now());
                    if (JobStateMachine.apply(row, event) == JobStateMachine.Outcome.APPLIED) {
                        applied[0] = event;
                        resolution[0] = followers.resolve(row);
                    }
                    row.cancelRequestedAt = event.at();
                }
                case RUNNING -> {
                    if (row.cancelRequestedAt == null) {
                        row.cancelRequestedAt = Instant.now();
                    }
                }
                case SUCCEEDED, FAILED, CANCELED, EXPIRED -> {
                }
            }
            return row;
        });
        if (job.cancelRequestedAt != null && !job.jobStatus().isTerminal() || applied[0] != null) {
            cancelFlags.raise(uuid);
        }
        if (applied[0] != null) {
            Log.infof("job %s: canceled while queued", uuid);
            updates.publish(job, applied[0]);
            followers.afterCommit(job, applied[0], resolution[0]);
        } else if (job.jobStatus() == JobStatus.RUNNING) {
            Log.infof("job %s: cancel requested while running", uuid);
        }
        return job;
    }
}
