package dev.easel.worker.job;

import org.apache.kafka.clients.consumer.AcknowledgeType;

/** How a finished run settles its {@code easel.jobs} record. */
public enum RunOutcome {
    /** Done for good: succeeded, failed deterministically, canceled, expired, or dead-lettered. */
    ACCEPT(AcknowledgeType.ACCEPT),
    /** Not done: a transient failure or a shutdown; the broker delivers the job again. */
    RELEASE(AcknowledgeType.RELEASE);

    private final AcknowledgeType acknowledgement;

    RunOutcome(AcknowledgeType acknowledgement) {
        this.acknowledgement = acknowledgement;
    }

    public AcknowledgeType acknowledgement() {
        return acknowledgement;
    }
}
