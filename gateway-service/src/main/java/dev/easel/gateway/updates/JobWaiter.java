package dev.easel.gateway.updates;

import dev.easel.gateway.store.JobEntity;
import dev.easel.gateway.store.JobFinder;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Waits, for a {@code Prefer: wait=N} request, until its job finishes or the wait is over, without holding a
 * thread meanwhile: the wait is a listener on the job's updates and a timer. Only the two reads of the job's row
 * (after subscribing, for an update that went by before; at the end) run on a worker thread, for milliseconds.
 */
@ApplicationScoped
public class JobWaiter {

    private final JobUpdates updates;
    private final JobFinder jobs;

    JobWaiter(JobUpdates updates, JobFinder jobs) {
        this.updates = updates;
        this.jobs = jobs;
    }

    /** The job as it is when it finished or when {@code wait} ran out, whichever is first. */
    public Uni<JobEntity> awaitFinished(JobEntity job, Duration wait) {
        if (job.jobStatus().isTerminal() || wait.isZero() || wait.isNegative()) {
            return Uni.createFrom().item(job);
        }
        String id = job.id.toString();
        CompletableFuture<Void> finished = new CompletableFuture<>();
        AutoCloseable listening = updates.listen(id, update -> {
            if (update.terminal()) {
                finished.complete(null);
            }
        });
        // The job may have finished between the caller's read and the subscription.
        return read(id).chain(current -> current.jobStatus().isTerminal() ? Uni.createFrom().item(current)
                        : Uni.createFrom().completionStage(finished)
                                .ifNoItem().after(wait).recoverWithItem((Void) null)
                                .chain(ignored -> read(id)))
                .eventually(() -> close(listening));
    }

    private Uni<JobEntity> read(String id) {
        return Uni.createFrom().item(() -> jobs.get(id)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private static void close(AutoCloseable listening) {
        try {
            listening.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop listening to a job's updates", e);
        }
    }
}
