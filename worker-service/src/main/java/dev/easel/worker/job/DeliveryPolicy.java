package dev.easel.worker.job;

import dev.easel.common.event.DeadLetter;
import dev.easel.common.event.JobError;
import dev.easel.common.event.JobEvent;
import dev.easel.common.event.JobRequested;
import io.quarkus.logging.Log;
import java.time.Instant;

/**
 * What a transient failure (storage, Redis or Kafka away, a model this worker does not serve, an unexpected error)
 * does to a job. Before its last delivery ({@code max-deliveries}) its record is released, and the broker delivers
 * it again, perhaps to another worker. At the last one the broker would stop redelivering, so the job is given up
 * instead: its client is told it failed ({@code delivery_limit_reached}), then a copy of it with its last error goes
 * to the dead-letter topic for operators, and the record is accepted.
 */
final class DeliveryPolicy {

    private final int maxDeliveries;
    private final EventPublisher events;
    private final JobOutcomes outcomes;

    DeliveryPolicy(int maxDeliveries, EventPublisher events, JobOutcomes outcomes) {
        this.maxDeliveries = maxDeliveries;
        this.events = events;
        this.outcomes = outcomes;
    }

    /**
     * Settles a delivery of {@code job} that failed with {@code code}; a given-up job's {@code failed} event leaves
     * through the run's {@code lane}, after the run's other events.
     */
    RunOutcome transientFailure(JobRequested job, JobRunner.Delivery delivery, ProgressLane lane, String code,
                                String message, Throwable cause) {
        String id = job.jobId();
        int attempt = delivery.deliveryCount();
        if (attempt < maxDeliveries) {
            Log.warnf(cause, "job %s: attempt %d failed (%s: %s); released for another delivery", id, attempt, code, message);
            return outcomes.count("released", RunOutcome.RELEASE);
        }
        Log.errorf(cause, "job %s: attempt %d of %d failed (%s); giving up", id, attempt, maxDeliveries, code);
        // The client's answer first: a job whose failure never reached the gateway would stay running there
        // once the broker stops redelivering it, while a missing copy for operators loses nobody's job.
        try {
            lane.publish(new JobEvent.Failed(id, attempt, lane.nextSeq(), delivery.workerId(), Instant.now(),
                    JobError.reported("delivery_limit_reached", "gave up after " + attempt + " attempts; the last: "
                            + FailureTexts.of(code, message), false)));
        } catch (TransientJobException e) {
            Log.errorf(e, "job %s: cannot publish its failure either; releasing", id);
            return outcomes.count("released", RunOutcome.RELEASE);
        }
        try {
            events.deadLetter(new DeadLetter(job, attempt, delivery.workerId(), JobError.reported(code, message, true),
                    Instant.now()), delivery.headers());
            return outcomes.count("dead_lettered", RunOutcome.ACCEPT);
        } catch (TransientJobException e) {
            // Released, it would run again for a client already told it failed.
            Log.errorf(e, "job %s: failed, but its copy to the dead-letter topic was refused; the job's row keeps its request and the error's code; this log has the cause", id);
            return outcomes.count("dead_letter_refused", RunOutcome.ACCEPT);
        }
    }
}
