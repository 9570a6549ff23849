package dev.easel.gateway.updates;

import dev.easel.gateway.store.JobEntity;
import dev.easel.gateway.store.JobFinder;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Blocks a {@code Prefer: wait=N} request until its job finishes or the wait is over. */
@ApplicationScoped
public class JobWaiter {

    private final JobUpdates updates;
    private final JobFinder jobs;

    JobWaiter(JobUpdates updates, JobFinder jobs) {
        this.updates = updates;
        this.jobs = jobs;
    }

    /** Returns the job as it is when it finished or when {@code wait} ran out, whichever is first. */
    public JobEntity awaitFinished(JobEntity job, Duration wait) {
        if (job.jobStatus().isTerminal() || wait.isZero() || wait.isNegative()) {
            return job;
        }
        String id = job.id.toString();
        CompletableFuture<Void> finished = new CompletableFuture<>();
        try (AutoCloseable listening = updates.listen(id, update -> {
            if (update.terminal()) {
                finished.complete(null);
            }
        })) {
            // The job may have finished between the caller's read and the subscription.
            JobEntity current = jobs.get(id);
            if (current.jobStatus().isTerminal()) {
                return current;
            }
            finished.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Waited long enough: the caller answers asynchronously.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for job " + id + " failed", e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("waiting for job " + id + " failed", e);
        }
        return jobs.get(id);
    }
}
