package dev.easel.gateway.lifecycle;

import dev.easel.common.event.JobError;
import dev.easel.common.event.JobEvent;
import dev.easel.gateway.store.JobEntity;
import dev.easel.gateway.store.OutboxRecordRefused;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;

/**
 * Fails a job whose queue record Kafka refused for good (too large for the broker's limits, malformed): no worker
 * can ever receive it, so it would otherwise wait as {@code queued} until its start deadline, or for ever. The job
 * ends {@code failed} with {@code queue_rejected} through the same state machine as worker events; the relay drops
 * the record only after this returns.
 */
@ApplicationScoped
public class RefusedQueueRecords {

    private final JobEventApplier applier;

    RefusedQueueRecords(JobEventApplier applier) {
        this.applier = applier;
    }

    void fail(@Observes OutboxRecordRefused refused) {
        JobEntity row = QuarkusTransaction.requiringNew().call(() -> JobEntity.<JobEntity>findById(refused.jobId()));
        if (row == null) {
            return; // the job is gone, and its outbox rows with it
        }
        if (row.jobStatus().isTerminal()) {
            // Canceled or expired meanwhile, or failed by an earlier round whose deletion did not commit.
            Log.infof("job %s: Kafka refused its %s record for good; the job is already %s", row.id, refused.topic(),
                    row.status);
            return;
        }
        JobError error = new JobError("queue_rejected", "the job could not be queued: Kafka refused its "
                + refused.topic() + " record (" + refused.reason() + ")", false);
        JobStateMachine.Outcome outcome = applier.apply(new JobEvent.Failed(row.id.toString(),
                Math.max(1, row.appliedAttempt), row.appliedSeq + 1, JobStateMachine.GATEWAY, Instant.now(), error));
        Log.errorf("job %s: Kafka refused its %s record for good (%s); %s", row.id, refused.topic(), refused.reason(),
                outcome == JobStateMachine.Outcome.APPLIED ? "the job failed" : "the job stays " + row.status);
    }
}
