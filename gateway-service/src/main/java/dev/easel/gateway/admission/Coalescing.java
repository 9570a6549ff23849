package dev.easel.gateway.admission;

import dev.easel.common.cache.CacheKey;
import dev.easel.common.cache.CacheOutcome;
import dev.easel.common.event.JobMetrics;
import dev.easel.gateway.cache.CacheConfig;
import dev.easel.gateway.cache.CacheUnavailableException;
import dev.easel.gateway.cache.SingleFlight;
import dev.easel.gateway.lifecycle.Followers;
import dev.easel.gateway.lifecycle.JobStateMachine;
import dev.easel.gateway.store.JobEntity;
import dev.easel.gateway.store.JobWriter;
import dev.easel.gateway.view.JobViews;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.Optional;
import java.util.UUID;

/**
 * Single flight: the first of identical requests (same model, prompt, parameters and pinned seed) claims the lead
 * while its row commits and runs; the others attach to it as followers and finish with it ({@link Followers}). A
 * leader that finished by the time a request looks is reused if it succeeded and replaced otherwise; one whose
 * row never appears (its gateway died between claim and commit) is replaced after {@code easel.cache.leader-wait}.
 * Blocks: transactions and short pauses, on a worker thread.
 */
@ApplicationScoped
class Coalescing {

    // Each round is one Redis read and at most one short transaction; a handful settle any race.
    private static final int MAX_ROUNDS = 400;

    private final SingleFlight singleFlight;
    private final CacheConfig config;
    private final JobWriter writer;
    private final QueueRecords records;

    Coalescing(SingleFlight singleFlight, CacheConfig config, JobWriter writer, QueueRecords records) {
        this.singleFlight = singleFlight;
        this.config = config;
        this.writer = writer;
        this.records = records;
    }

    /** The request's job: a follower, answered with a finished leader's images, or the new leader, stored. */
    JobEntity coalesce(Submission submission) {
        CacheKey key = submission.keys().exact();
        long giveUp = System.nanoTime() + config.leaderWait().toNanos();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            JobEntity job = submission.newJob(CacheOutcome.MISS);
            Optional<UUID> leader = singleFlight.claim(key, job.id);
            if (leader.isEmpty()) {
                return lead(submission, job);
            }
            Attachment attachment;
            try {
                attachment = attach(job, leader.get());
            } catch (RuntimeException e) {
                if (submission.idempotencyKey() != null && IdempotencyKeys.isUniqueViolation(e)) {
                    IdempotencyKeys.replayIfTaken(submission.tenant(), submission.idempotencyKey(), submission.requestHash());
                }
                throw e;
            }
            switch (attachment) {
                case ATTACHED, ANSWERED -> {
                    return job;
                }
                case LEADER_GONE -> singleFlight.release(key, leader.get());
                case LEADER_NOT_VISIBLE -> {
                    if (System.nanoTime() > giveUp) {
                        Log.warnf("job %s: in-flight marker names job %s, which never appeared; replacing it",
                                job.id, leader.get());
                        singleFlight.release(key, leader.get());
                    } else {
                        pause();
                    }
                }
            }
        }
        Log.warnf("single flight did not settle after %d rounds; the job runs on its own", MAX_ROUNDS);
        return store(submission, submission.newJob(CacheOutcome.MISS));
    }

    private enum Attachment {
        /** Now a follower of the running or queued leader. */
        ATTACHED,
        /** The leader had already succeeded: answered with its images. */
        ANSWERED,
        /** The leader ended without a result (failed, canceled, expired): take its place. */
        LEADER_GONE,
        /** The leader's row is not committed yet (or never will be). */
        LEADER_NOT_VISIBLE
    }

    private Attachment attach(JobEntity job, UUID leaderId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            // FOR SHARE: the leader's final status change waits for this row, so it sees it as a follower.
            JobEntity leader = JobEntity.findById(leaderId, LockModeType.PESSIMISTIC_READ);
            if (leader == null) {
                return Attachment.LEADER_NOT_VISIBLE;
            }
            switch (leader.jobStatus()) {
                case QUEUED, RUNNING -> {
                    job.cacheOutcome = CacheOutcome.COALESCED.wireName();
                    job.cacheSource = leaderId;
                    job.persist();
                    return Attachment.ATTACHED;
                }
                case SUCCEEDED -> {
                    job.cacheOutcome = CacheOutcome.HIT.wireName();
                    job.cacheSource = leaderId;
                    JobStateMachine.answerFromCache(job, job.createdAt, JobViews.images(leader),
                            new JobMetrics(0L, 0L, 0L, 0L));
                    job.persist();
                    return Attachment.ANSWERED;
                }
                case FAILED, CANCELED, EXPIRED -> {
                    return Attachment.LEADER_GONE;
                }
            }
            throw new IllegalStateException("unhandled status " + leader.status);
        });
    }

    private static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the job in flight", e);
        }
    }

    /**
     * Stores the job that has just claimed the lead, with its queue record. The claim comes before the commit, so
     * a follower may briefly see a leader whose row is not visible yet ({@link Attachment#LEADER_NOT_VISIBLE});
     * a claim whose row is not stored is released at once.
     */
    private JobEntity lead(Submission submission, JobEntity job) {
        try {
            return store(submission, job);
        } catch (RuntimeException e) {
            // An idempotent replay too: this request's own job never existed.
            releaseQuietly(submission.keys().exact(), job.id);
            throw e;
        }
    }

    private JobEntity store(Submission submission, JobEntity job) {
        return writer.insert(job, records.of(submission, job), submission.call()) ? job : IdempotencyKeys.replayOfSkipped(submission, job);
    }

    /** Ends a lead whose row was not stored; if Redis fails too, the marker expires or is replaced by followers. */
    private void releaseQuietly(CacheKey key, UUID jobId) {
        try {
            singleFlight.release(key, jobId);
        } catch (CacheUnavailableException e) {
            Log.warnf("job %s: in-flight marker not released: %s", jobId, e.getMessage());
        }
    }
}
