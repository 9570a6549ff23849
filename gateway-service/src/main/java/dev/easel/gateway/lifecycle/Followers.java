package dev.easel.gateway.lifecycle;

import dev.easel.common.cache.CacheKey;
import dev.easel.common.cache.CacheOutcome;
import dev.easel.common.event.JobError;
import dev.easel.common.event.JobEvent;
import dev.easel.common.event.JobMetrics;
import dev.easel.common.event.JobRequested;
import dev.easel.common.event.SimilarReuse;
import dev.easel.common.job.JobSpec;
import dev.easel.common.json.JsonCodec;
import dev.easel.common.queue.Topics;
import dev.easel.common.trace.TraceParent;
import dev.easel.gateway.cache.CacheRecorder;
import dev.easel.gateway.cache.ResultCache;
import dev.easel.gateway.store.JobEntity;
import dev.easel.gateway.store.Outbox;
import dev.easel.gateway.store.OutboxRecord;
import dev.easel.gateway.updates.JobUpdates;
import dev.easel.gateway.view.JobViews;
import dev.easel.platform.kafka.TopicsConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Resolves the jobs coalesced onto a leader when the leader reaches its final status, in the transaction that
 * applies it. The rule is deterministic: followers share the outcome when it is about the request (the leader
 * succeeded → they succeed with its images; it failed → they fail with its error, since the same request would
 * fail the same way), and do not share it when it is about the leader's own client (canceled, expired): then the
 * oldest follower (by creation time, then id) is promoted to run for real and the others follow it.
 */
@ApplicationScoped
public class Followers {

    private final Outbox outbox;
    private final TopicsConfig topics;
    private final JobUpdates updates;
    private final CacheRecorder cache;
    private final ResultCache resultCache;
    private final MeterRegistry registry;

    Followers(Outbox outbox, TopicsConfig topics, JobUpdates updates, CacheRecorder cache, ResultCache resultCache,
              MeterRegistry registry) {
        this.resultCache = resultCache;
        this.outbox = outbox;
        this.topics = topics;
        this.updates = updates;
        this.cache = cache;
        this.registry = registry;
    }

    /** What resolving did: followers finished (with the event to announce for each) or the one promoted. */
    public record Resolution(List<Finished> finished, Optional<JobEntity> promoted) {

        public static final Resolution NONE = new Resolution(List.of(), Optional.empty());
    }

    /** A follower finished by its leader, and the event that announces it. */
    public record Finished(JobEntity job, JobEvent event) {
    }

    /** Must run in the transaction that made {@code leader} final, after its status changed. */
    public Resolution resolve(JobEntity leader) {
        List<JobEntity> followers = JobEntity.<JobEntity>find(
                        "cacheSource = ?1 and status = 'queued' and cacheOutcome = ?2 order by createdAt, id",
                        leader.id, CacheOutcome.COALESCED.wireName())
                .withLock(LockModeType.PESSIMISTIC_WRITE).list();
        if (followers.isEmpty()) {
            return Resolution.NONE;
        }
        Instant now = Instant.now();
        return switch (leader.jobStatus()) {
            case SUCCEEDED -> finish(followers, follower -> JobStateMachine.answerFromCache(follower, now,
                    JobViews.images(leader), new JobMetrics(waited(follower, now), 0L, 0L, 0L)));
            case FAILED -> {
                JobError error = JsonCodec.decode(leader.error.getBytes(StandardCharsets.UTF_8), JobError.class);
                JobError shared = new JobError(error.code(), "the identical job " + leader.id
                        + " this job waited for failed: " + error.message(), error.retryable());
                yield finish(followers, follower -> JobStateMachine.failFromCache(follower, now, shared));
            }
            case CANCELED, EXPIRED -> promote(followers);
            case QUEUED, RUNNING -> throw new IllegalStateException("job " + leader.id + " is not final");
        };
    }

    /**
     * After the transaction that made {@code job} final committed: announces the followers it finished, and
     * updates the cache (its result stored, its lead released or handed to the promoted follower).
     */
    public void afterCommit(JobEntity job, JobEvent event, Resolution resolution) {
        for (Finished finished : resolution.finished()) {
            updates.publish(finished.job(), finished.event());
            registry.counter("easel_jobs_finished", "status", finished.job().status).increment();
            Log.infof("job %s: %s with job %s it was coalesced onto", finished.job().id, finished.job().status, job.id);
        }
        resolution.promoted().ifPresent(promoted -> Log.infof(
                "job %s: promoted to run in place of job %s (%s)", promoted.id, job.id, job.status));
        cache.finished(job, event, resolution.promoted());
    }

    private static Resolution finish(List<JobEntity> followers, Function<JobEntity, JobEvent> resolve) {
        List<Finished> finished = new ArrayList<>();
        for (JobEntity follower : followers) {
            finished.add(new Finished(follower, resolve.apply(follower)));
        }
        return new Resolution(finished, Optional.empty());
    }

    private Resolution promote(List<JobEntity> followers) {
        JobEntity leader = followers.getFirst();
        leader.cacheOutcome = CacheOutcome.MISS.wireName();
        leader.cacheSource = null;
        JobSpec spec = JsonCodec.decode(leader.spec.getBytes(StandardCharsets.UTF_8), JobSpec.class);
        // Followers pin their seed (only those coalesce), so the worker stores the result's prompt embedding in
        // the similar index but looks nothing up, exactly as for the request that led first.
        SimilarReuse similar = leader.cacheScopeKey == null ? null
                : resultCache.similarIndex(new CacheKey(leader.cacheScopeKey), false);
        JobRequested message = new JobRequested(leader.id.toString(), leader.tenantId, 1, spec, leader.createdAt, leader.startDeadline,
                similar);
        outbox.add(new OutboxRecord(leader.id, topics.jobs(), leader.id.toString(), JsonCodec.encode(message),
                Map.of(Topics.SCHEMA_HEADER, Integer.toString(JobRequested.SCHEMA_VERSION),
                        TraceParent.HEADER, TraceParent.random().header())));
        for (JobEntity follower : followers.subList(1, followers.size())) {
            follower.cacheSource = leader.id;
        }
        return new Resolution(List.of(), Optional.of(leader));
    }

    private static long waited(JobEntity follower, Instant now) {
        return Math.max(0, Duration.between(follower.createdAt, now).toMillis());
    }
}
