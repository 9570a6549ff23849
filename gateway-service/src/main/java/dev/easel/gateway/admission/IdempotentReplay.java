package dev.easel.gateway.admission;

import dev.easel.gateway.store.JobEntity;

/**
 * Unwinds an admission whose {@code Idempotency-Key} already names a job: found before anything was prepared, or
 * taken by a concurrent retry whose row committed first. The answer is that job, and nothing this admission
 * prepared was created. Without a stack trace: it is an answer, not a fault.
 */
final class IdempotentReplay extends RuntimeException {

    private final transient JobEntity job;

    IdempotentReplay(JobEntity job) {
        super("Idempotency-Key taken by job " + job.id, null, false, false);
        this.job = job;
    }

    JobEntity job() {
        return job;
    }
}
