package dev.easel.gateway.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.easel.common.cache.CacheKey;
import dev.easel.common.cache.CacheOutcome;
import dev.easel.common.cache.CachedResult;
import dev.easel.common.event.JobMetrics;
import dev.easel.common.job.ImageRef;
import dev.easel.common.job.JobSpec;
import dev.easel.common.validation.ImageInspector;
import dev.easel.common.validation.JobRequestValidator;
import dev.easel.common.validation.ValidatedRequest;
import dev.easel.gateway.audit.Call;
import dev.easel.gateway.cache.CacheConfig;
import dev.easel.gateway.cache.CacheMetrics;
import dev.easel.gateway.cache.CachePolicy;
import dev.easel.gateway.cache.CacheUnavailableException;
import dev.easel.gateway.cache.ExactLookup;
import dev.easel.gateway.cache.RequestKeys;
import dev.easel.gateway.cache.ResultCache;
import dev.easel.gateway.cache.SingleFlight;
import dev.easel.gateway.identity.Caller;
import dev.easel.gateway.lifecycle.JobStateMachine;
import dev.easel.gateway.model.ConfiguredModelCatalog;
import dev.easel.gateway.store.JobEntity;
import dev.easel.gateway.store.JobWriter;
import dev.easel.gateway.upload.UploadStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.context.Context;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Takes new jobs (POST /v1/jobs): validates each and admits it, answered from the result cache, attached to an
 * identical job in flight ({@link Coalescing}), or stored with its {@code easel.jobs} record ({@link QueueRecords})
 * in one statement.
 *
 * <p>One asynchronous path, started on the event loop that read the request. What does not block runs where it
 * is: validation, the Redis round trip of the exact lookup (and the single-flight claim), and the row handed to a
 * {@link JobWriter} thread — the whole of the common case, a job without input images or {@code Idempotency-Key}
 * that the cache does not answer. What blocks (an idempotent replay's read, input images checked in or written to
 * storage, a found entry's storage check, a similar lookup, coalescing onto a leader) goes on on a worker thread
 * from the point it is reached. On two cores the hand-offs to a worker thread and back cost more than the rest of
 * a submit (docs/performance.md).
 */
@ApplicationScoped
public class JobAdmission {

    private static final SecureRandom SEEDS = new SecureRandom();
    // A request without image fields is validated on the event loop, where nothing may inspect an image.
    private static final ImageInspector NO_IMAGES = ref -> {
        throw new IllegalStateException("an input image reached the event-loop admission");
    };

    private final ConfiguredModelCatalog catalog;
    private final UploadStore uploads;
    private final JobWriter writer;
    private final QueueRecords records;
    private final Coalescing coalescing;
    private final CacheConfig cacheConfig;
    private final ResultCache resultCache;
    private final SingleFlight singleFlight;
    private final ExactLookup exactLookup;
    private final CacheMetrics cacheMetrics;
    private final Counter submitted;

    JobAdmission(ConfiguredModelCatalog catalog, UploadStore uploads, JobWriter writer, QueueRecords records,
                 Coalescing coalescing, MeterRegistry registry, CacheConfig cacheConfig, ResultCache resultCache,
                 SingleFlight singleFlight, ExactLookup exactLookup, CacheMetrics cacheMetrics) {
        this.catalog = catalog;
        this.uploads = uploads;
        this.writer = writer;
        this.records = records;
        this.coalescing = coalescing;
        this.cacheConfig = cacheConfig;
        this.resultCache = resultCache;
        this.singleFlight = singleFlight;
        this.exactLookup = exactLookup;
        this.cacheMetrics = cacheMetrics;
        this.submitted = Counter.builder("easel_jobs_submitted").description("Jobs accepted by POST /v1/jobs")
                .register(registry);
    }

    /**
     * Validates the body and admits the job. A repeated {@code Idempotency-Key} with the same body answers with
     * the job that key created. The stage completes on whichever thread finished the admission (the caller's, a
     * Redis connection's event loop, a writer thread or a worker thread); it never blocks the caller.
     *
     * @param headers the request headers that shape the submission
     * @param caller who submits: the job is its tenant's, its images are looked up and staged there, and its
     *     result is cached in the tenant's pool
     * @param call the call that submits, whose call log entry is stored with the job; null for none
     * @return fails with {@link dev.easel.common.validation.InvalidRequestException} listing every violation, or
     *     {@link IdempotencyKeyReusedException} when the key was used with another body
     */
    public Uni<JobEntity> submit(JsonNode body, SubmitHeaders headers, Caller caller, Call call) {
        // Taken on the request's own thread: later steps may run on threads where the current context is not its.
        Context trace = Context.current();
        // Quotas are counted in the job store: a caller with one is admitted on a worker thread.
        Uni<Submission> prepared = headers.idempotencyKey() != null || body.has("image") || body.has("mask")
                || !caller.quotas().isEmpty()
                ? blocking(() -> prepare(body, headers, caller, call, trace, uploads.of(caller.tenant())))
                : Uni.createFrom().item(() -> prepare(body, headers, caller, call, trace, NO_IMAGES));
        return prepared.chain(this::admit).map(this::admitted)
                .onFailure(IdempotentReplay.class).recoverWithItem(e -> ((IdempotentReplay) e).job());
    }

    /**
     * The validated request, its inline images staged to storage. A replayed {@code Idempotency-Key} unwinds here
     * with {@link IdempotentReplay}, before anything is stored.
     */
    private Submission prepare(JsonNode body, SubmitHeaders headers, Caller caller, Call call, Context trace,
                               ImageInspector images) {
        String key = headers.idempotencyKey();
        String requestHash = key == null ? null : IdempotencyKeys.hash(body);
        if (key != null) {
            IdempotencyKeys.replayIfTaken(caller.tenant(), key, requestHash);
        }
        ValidatedRequest request = JobRequestValidator.validateRequest(body, catalog, images,
                () -> SEEDS.nextLong() & Long.MAX_VALUE);
        if (!caller.quotas().isEmpty()) {
            QuotaCheck.admit(caller, request.spec().numImages(), Instant.now());
        }
        JobSpec spec = stageInlineImages(caller.tenant(), request);
        CachePolicy policy = CachePolicy.of(cacheConfig.enabled(), spec.cache(), request.seedPinned(),
                headers.cacheControl());
        // The cache pool: the tenant's own unless an operator shares one; results never cross pools.
        RequestKeys keys = cacheConfig.enabled() ? RequestKeys.of(request, caller.cachePool()) : null;
        return new Submission(caller.tenant(), caller.principal(), spec, keys, policy, key, requestHash, trace,
                headers.traceParent(), call);
    }

    private JobSpec stageInlineImages(String tenant, ValidatedRequest request) {
        JobSpec spec = request.spec();
        ImageRef image = spec.image() instanceof ImageRef.DataUrl data
                ? uploads.stage(tenant, data, request.image()) : spec.image();
        ImageRef mask = spec.mask() instanceof ImageRef.DataUrl data
                ? uploads.stage(tenant, data, request.mask()) : spec.mask();
        return image == spec.image() && mask == spec.mask() ? spec : spec.withImages(image, mask);
    }

    /** Counts a job this request created (an idempotent replay never comes here: it created nothing). */
    private JobEntity admitted(JobEntity job) {
        submitted.increment();
        cacheMetrics.outcome(CacheOutcome.fromWire(job.cacheOutcome).orElseThrow());
        Log.debugf("job %s: %s, cache %s (%s, model %s)", job.id, job.status, job.cacheOutcome, job.kind, job.model);
        return job;
    }

    private Uni<JobEntity> admit(Submission submission) {
        CachePolicy policy = submission.policy();
        if (!policy.looksUp()) {
            return enqueue(submission, policy.bypassed() ? CacheOutcome.BYPASS : CacheOutcome.MISS);
        }
        // Timed: the Redis round trip of the lookup, not the commit, storage checks or coalescing after it.
        Timer.Sample lookup = Timer.start();
        // CachePolicy: a request that may coalesce has a pinned seed, so it looks its exact key up and never
        // looks for similar results.
        Uni<JobEntity> admitted = policy.coalesce() ? lookupOrLead(submission, lookup) : lookupThenAdmit(submission, lookup);
        return admitted.onFailure(CacheUnavailableException.class).recoverWithUni(e -> {
            Log.warnf("cache unavailable, the job runs without it: %s", e.getMessage());
            return enqueue(submission, CacheOutcome.UNAVAILABLE);
        });
    }

    /** A request that does not coalesce: the exact key if the policy asks, then the reusable result if any. */
    private Uni<JobEntity> lookupThenAdmit(Submission submission, Timer.Sample lookup) {
        CachePolicy policy = submission.policy();
        Uni<Optional<CachedResult>> exact = policy.lookup() ? resultCache.lookup(submission.keys().exact())
                : Uni.createFrom().item(Optional.empty());
        return timed(exact, lookup).chain(found -> found.isEmpty() && !policy.similar()
                ? enqueue(submission, CacheOutcome.MISS)
                : onWorker(() -> reuseOrQueue(submission, found)));
    }

    /**
     * A request that may coalesce (a pinned seed): in one Redis round trip, its exact key looked up and, when
     * nothing answers it and no identical job runs, the lead claimed, so that the common case goes straight to a
     * writer.
     */
    private Uni<JobEntity> lookupOrLead(Submission submission, Timer.Sample lookup) {
        CacheKey key = submission.keys().exact();
        JobEntity job = submission.newJob(CacheOutcome.MISS);
        return timed(exactLookup.lookupOrClaim(key, job.id), lookup).chain(found -> {
            if (found.entry().isEmpty() && found.leader().isEmpty()) {
                // Deferred, so that a failure while the row is being built releases the claim too.
                return Uni.createFrom().deferred(() -> insert(submission, job))
                        .onFailure().call(e -> releaseQuietly(key, job.id));
            }
            return onWorker(() -> reuseOrQueue(submission, found.entry()));
        });
    }

    /**
     * Blocks: the rest of an admission once the exact lookup found {@code exact} (not yet checked in storage). A
     * usable exact entry, or for {@code cache: similar} an entry of any seed, answers the job at once; otherwise it
     * coalesces onto an identical job in flight, or is queued.
     */
    private Uni<JobEntity> reuseOrQueue(Submission submission, Optional<CachedResult> exact) {
        CacheOutcome outcome = CacheOutcome.HIT;
        Optional<CachedResult> reusable = exact.flatMap(r -> resultCache.usable(submission.keys().exact(), r));
        if (reusable.isEmpty() && submission.policy().similar()) {
            reusable = resultCache.findAnySeed(submission.keys().anySeed());
            outcome = CacheOutcome.SIMILAR;
        }
        if (reusable.isPresent()) {
            return Uni.createFrom().item(answered(submission, outcome, reusable.get()));
        }
        if (submission.policy().coalesce()) {
            return Uni.createFrom().item(coalescing.coalesce(submission));
        }
        return enqueue(submission, CacheOutcome.MISS);
    }

    /** Blocks: stores a job finished with a cached result; no queue record, no GPU time. */
    private JobEntity answered(Submission submission, CacheOutcome outcome, CachedResult result) {
        JobEntity job = submission.newJob(outcome);
        job.cacheSource = UUID.fromString(result.jobId());
        job.cacheSimilarity = outcome == CacheOutcome.SIMILAR ? 1.0 : null;
        JobStateMachine.answerFromCache(job, job.createdAt, result.images(), new JobMetrics(0L, 0L, 0L, 0L));
        return writer.insert(job, null, submission.call()) ? job : IdempotencyKeys.replayOfSkipped(submission, job);
    }

    private Uni<JobEntity> enqueue(Submission submission, CacheOutcome outcome) {
        return insert(submission, submission.newJob(outcome));
    }

    /**
     * Stores the job with its {@code easel.jobs} record through the group-committing {@link JobWriter}; the stage
     * completes on the writer thread once the batch committed. A row skipped because a concurrent retry took its
     * {@code Idempotency-Key} fails it with {@link IdempotentReplay} (from a worker thread).
     */
    private Uni<JobEntity> insert(Submission submission, JobEntity job) {
        return Uni.createFrom().completionStage(() -> writer.insertAsync(job, records.of(submission, job), submission.call()))
                .chain(inserted -> inserted ? Uni.createFrom().item(job)
                        : blocking(() -> IdempotencyKeys.replayOfSkipped(submission, job)));
    }

    /** Ends a lead whose row was not stored; if Redis fails too, the marker expires or is replaced by followers. */
    private Uni<Void> releaseQuietly(CacheKey key, UUID jobId) {
        return singleFlight.releaseAsync(key, jobId).onFailure(CacheUnavailableException.class).recoverWithItem(e -> {
            Log.warnf("job %s: in-flight marker not released: %s", jobId, e.getMessage());
            return null;
        });
    }

    /**
     * Records the Redis round trip of a lookup in {@code easel_cache_lookup_seconds}, however it ends; what
     * follows on a worker thread (storage checks, coalescing) is not part of it.
     */
    private <T> Uni<T> timed(Uni<T> redis, Timer.Sample lookup) {
        return redis.onTermination().invoke(() -> lookup.stop(cacheMetrics.lookup()));
    }

    /** Runs blocking work on a worker thread (never on the event loop that called). */
    private static <T> Uni<T> blocking(Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** Runs blocking work on a worker thread and goes on with the stage it returns. */
    private static <T> Uni<T> onWorker(Supplier<Uni<? extends T>> work) {
        return Uni.createFrom().deferred(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
