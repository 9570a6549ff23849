package dev.easel.gateway.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.common.cache.CacheKey;
import dev.easel.common.cache.CacheOutcome;
import dev.easel.common.cache.CachedResult;
import dev.easel.common.event.JobMetrics;
import dev.easel.common.event.JobRequested;
import dev.easel.common.event.ResultImage;
import dev.easel.common.event.SimilarReuse;
import dev.easel.common.job.ImageRef;
import dev.easel.common.job.JobSpec;
import dev.easel.common.json.JsonCodec;
import dev.easel.common.queue.Topics;
import dev.easel.common.trace.TraceParent;
import dev.easel.common.validation.ImageInspector;
import dev.easel.common.validation.JobRequestValidator;
import dev.easel.common.validation.ValidatedRequest;
import dev.easel.gateway.cache.CacheConfig;
import dev.easel.gateway.cache.CacheMetrics;
import dev.easel.gateway.cache.CachePolicy;
import dev.easel.gateway.cache.CacheUnavailableException;
import dev.easel.gateway.cache.ExactLookup;
import dev.easel.gateway.cache.RequestKeys;
import dev.easel.gateway.cache.ResultCache;
import dev.easel.gateway.cache.SingleFlight;
import dev.easel.gateway.lifecycle.Followers;
import dev.easel.gateway.lifecycle.JobStateMachine;
import dev.easel.gateway.model.ConfiguredModelCatalog;
import dev.easel.gateway.store.JobEntity;
import dev.easel.gateway.store.JobIds;
import dev.easel.gateway.store.JobWriter;
import dev.easel.gateway.store.OutboxRecord;
import dev.easel.gateway.upload.UploadStore;
import dev.easel.gateway.view.JobViews;
import dev.easel.platform.kafka.TopicsConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.hibernate.exception.ConstraintViolationException;

/**
 * Takes new jobs (POST /v1/jobs): validates them and admits each one, answered from the result cache, attached to
 * an identical job in flight, or stored with its {@code easel.jobs} record in one transaction.
 *
 * <p>Two ways in. {@link #submit} is for threads that may block. {@link #submitAsync} is for the event loop that
 * read the request: the common case, a job without input images or {@code Idempotency-Key} whose cache lookup
 * finds nothing, is admitted without a worker thread (Redis commands without blocking, the row handed to a
 * {@link JobWriter} thread), and whatever needs blocking I/O (input images in storage, idempotent replays, cache
 * hits, attaching to a leader) goes on on a worker thread from the point it was reached. On two cores the
 * hand-offs to a worker thread and back cost more than the rest of a submit (docs/architecture.md).
 */
@ApplicationScoped
public class JobAdmission {

    // Each round is one Redis read and at most one short transaction; a handful settle any race.
    private static final int MAX_COALESCE_ROUNDS = 400;

    private static final SecureRandom SEEDS = new SecureRandom();
    // Key order and whitespace do not make a different request.
    private static final ObjectMapper SORTED_KEYS = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    // The event-loop path only takes requests without image fields, so nothing there may inspect an image.
    private static final ImageInspector NO_IMAGES = ref -> {
        throw new IllegalStateException("an input image reached the event-loop admission");
    };

    private final ConfiguredModelCatalog catalog;
    private final UploadStore uploads;
    private final JobWriter writer;
    private final OpenTelemetry telemetry;
    private final TopicsConfig topics;
    private final Counter submitted;
    private final CacheConfig cacheConfig;
    private final ResultCache resultCache;
    private final SingleFlight singleFlight;
    private final ExactLookup exactLookup;
    private final CacheMetrics cacheMetrics;

    JobAdmission(ConfiguredModelCatalog catalog, UploadStore uploads, JobWriter writer, OpenTelemetry telemetry,
                 TopicsConfig topics, MeterRegistry registry, CacheConfig cacheConfig, ResultCache resultCache,
                 SingleFlight singleFlight, ExactLookup exactLookup, CacheMetrics cacheMetrics) {
        this.catalog = catalog;
        this.uploads = uploads;
        this.writer = writer;
        this.telemetry = telemetry;
        this.topics = topics;
        this.cacheConfig = cacheConfig;
        this.resultCache = resultCache;
        this.singleFlight = singleFlight;
        this.exactLookup = exactLookup;
        this.cacheMetrics = cacheMetrics;
        this.submitted = Counter.builder("easel_jobs_submitted").description("Jobs accepted by POST /v1/jobs")
                .register(registry);
    }

    /**
     * Validates the body and admits the job: answered from the result cache, attached to an identical job in
     * flight, or stored with its {@code easel.jobs} record in one transaction. A repeated {@code Idempotency-Key}
     * with the same body returns the job that key created.
     *
     * @param headers the request headers that shape the submission
     * @throws dev.easel.common.validation.InvalidRequestException listing every violation
     * @throws IdempotencyKeyReusedException when the key was used with another body
     */
    public JobEntity submit(JsonNode body, SubmitHeaders headers) {
        String idempotencyKey = headers.idempotencyKey();
        String requestHash = idempotencyKey == null ? null : canonicalHash(body);
        if (idempotencyKey != null) {
            Optional<JobEntity> replay = replay(idempotencyKey, requestHash);
            if (replay.isPresent()) {
                return replay.get();
            }
        }
        ValidatedRequest request = JobRequestValidator.validateRequest(body, catalog, uploads,
                () -> SEEDS.nextLong() & Long.MAX_VALUE);
        Submission submission = submission(request, stageInlineImages(request), headers, requestHash);
        JobEntity job;
        try {
            job = admit(submission);
        } catch (IdempotentReplay replay) {
            return replay.job;
        }
        return admitted(job);
    }

    /**
     * {@link #submit} for the event loop that read the request: never blocks it. The stage completes on whichever
     * thread finished the admission (a Redis connection's event loop, a writer thread or a worker thread).
     */
    public Uni<JobEntity> submitAsync(JsonNode body, SubmitHeaders headers) {
        if (headers.idempotencyKey() != null || body.has("image") || body.has("mask")) {
            // A replay reads the key's row, images are checked in (or written to) storage: all of it blocks.
            return blocking(() -> submit(body, headers));
        }
        ValidatedRequest request = JobRequestValidator.validateRequest(body, catalog, NO_IMAGES,
                () -> SEEDS.nextLong() & Long.MAX_VALUE);
        Submission submission = submission(request, request.spec(), headers, null);
        return admitAsync(submission).map(this::admitted)
                .onFailure(IdempotentReplay.class).recoverWithItem(e -> ((IdempotentReplay) e).job);
    }

    private Submission submission(ValidatedRequest request, JobSpec spec, SubmitHeaders headers, String requestHash) {
        CachePolicy policy = CachePolicy.of(cacheConfig.enabled(), spec.cache(), request.seedPinned(),
                headers.cacheControl());
        RequestKeys keys = cacheConfig.enabled() ? RequestKeys.of(request, cacheConfig.tenant()) : null;
        // The trace context is taken here, on the request's own thread: later steps of an admission may run on
        // other threads, where the current context is not the request's.
        return new Submission(spec, keys, policy, headers.idempotencyKey(), requestHash, Context.current(),
                headers.traceParent());
    }

    /** Counts a job this request created (an idempotent replay never comes here: it created nothing). */
    private JobEntity admitted(JobEntity job) {
        submitted.increment();
        cacheMetrics.outcome(CacheOutcome.fromWire(job.cacheOutcome).orElseThrow());
        Log.debugf("job %s: %s, cache %s (%s, model %s)", job.id, job.status, job.cacheOutcome, job.kind, job.model);
        return job;
    }

    /** One request on its way in: everything needed to build its row again for another admission attempt. */
    private record Submission(JobSpec spec, RequestKeys keys, CachePolicy policy, String idempotencyKey,
                              String requestHash, Context traceContext, String traceParent) {
    }

    private JobEntity admit(Submission submission) {
        CachePolicy policy = submission.policy();
        if (!policy.looksUp()) {
            return enqueue(submission, policy.bypassed() ? CacheOutcome.BYPASS : CacheOutcome.MISS);
        }
        try {
            Optional<CachedResult> exact;
            // Timed as on the event loop: the exact lookup only, not the commit or coalescing after it.
            Timer.Sample lookup = Timer.start();
            try {
                exact = policy.lookup() ? resultCache.find(submission.keys().exact()) : Optional.empty();
            } finally {
                lookup.stop(cacheMetrics.lookup());
            }
            return admitLookedUp(submission, exact);
        } catch (CacheUnavailableException e) {
            Log.warnf("cache unavailable, the job runs without it: %s", e.getMessage());
            return enqueue(submission, CacheOutcome.UNAVAILABLE);
        }
    }

    /** The rest of {@link #admit} once the exact lookup (if the policy asks for one) found {@code exact}. */
    private JobEntity admitLookedUp(Submission submission, Optional<CachedResult> exact) {
        CachePolicy policy = submission.policy();
        Optional<CachedResult> reusable = exact;
        CacheOutcome reuse = CacheOutcome.HIT;
        if (reusable.isEmpty() && policy.similar()) {
            reusable = resultCache.findAnySeed(submission.keys().anySeed());
            reuse = CacheOutcome.SIMILAR;
        }
        if (reusable.isPresent()) {
            CachedResult result = reusable.get();
            return insertAnswered(submission, reuse, UUID.fromString(result.jobId()), result.images(),
                    reuse == CacheOutcome.SIMILAR ? 1.0 : null);
        }
        if (policy.coalesce()) {
            return coalesce(submission);
        }
        return enqueue(submission, CacheOutcome.MISS);
    }

    /**
     * {@link #admit} without blocking: the exact lookup and the single-flight claim go to Redis without waiting
     * for it and a new row to a writer thread; a found entry, a similar lookup or a leader to attach to continue
     * on a worker thread.
     */
    private Uni<JobEntity> admitAsync(Submission submission) {
        CachePolicy policy = submission.policy();
        if (!policy.looksUp()) {
            return enqueueAsync(submission, policy.bypassed() ? CacheOutcome.BYPASS : CacheOutcome.MISS);
        }
        Timer.Sample lookup = Timer.start();
        // CachePolicy: a request that may coalesce has a pinned seed, so it looks its exact key up and never
        // looks for similar results.
        Uni<JobEntity> admitted = policy.coalesce()
                ? lookupOrLead(submission, lookup) : lookupThenAdmit(submission, lookup);
        return admitted.onFailure(CacheUnavailableException.class).recoverWithUni(e -> {
            Log.warnf("cache unavailable, the job runs without it: %s", e.getMessage());
            return enqueueAsync(submission, CacheOutcome.UNAVAILABLE);
        });
    }

    /**
     * A request that does not coalesce: the exact key if the policy asks, then a worker thread for a found entry
     * or a similar lookup.
     */
    private Uni<JobEntity> lookupThenAdmit(Submission submission, Timer.Sample lookup) {
        CachePolicy policy = submission.policy();
        Uni<Optional<CachedResult>> exact = policy.lookup() ? resultCache.lookup(submission.keys().exact())
                : Uni.createFrom().item(Optional.empty());
        return timed(exact, lookup).chain(found -> {
            if (found.isPresent() || policy.similar()) {
                // The any-seed lookup (cache: similar) and the storage check of a found entry block.
                return blocking(() -> admitLookedUp(submission,
                        found.flatMap(r -> resultCache.usable(submission.keys().exact(), r))));
            }
            return enqueueAsync(submission, CacheOutcome.MISS);
        });
    }

    /**
     * Single flight: the first of identical requests claims the lead while its row commits and runs; the others
     * attach to it as followers and finish with it ({@link Followers}). A leader that finished by the time a
     * request looks is reused if it succeeded and replaced otherwise; one whose row never appears (its gateway
     * died between claim and commit) is replaced after {@code easel.cache.leader-wait}.
     */
    private JobEntity coalesce(Submission submission) {
        CacheKey key = submission.keys().exact();
        long giveUp = System.nanoTime() + cacheConfig.leaderWait().toNanos();
        for (int round = 0; round < MAX_COALESCE_ROUNDS; round++) {
            JobEntity job = newJob(submission);
            Optional<UUID> leader = singleFlight.claim(key, job.id);
            if (leader.isEmpty()) {
                return lead(submission, job);
            }
            Attachment attachment;
            try {
                attachment = attach(job, leader.get());
            } catch (RuntimeException e) {
                if (submission.idempotencyKey() != null && isUniqueViolation(e)) {
                    throw new IdempotentReplay(replay(submission.idempotencyKey(), submission.requestHash())
                            .orElseThrow(() -> e));
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
        Log.warnf("single flight did not settle after %d rounds; the job runs on its own", MAX_COALESCE_ROUNDS);
        return enqueue(submission, CacheOutcome.MISS);
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
                    answer(job, CacheOutcome.HIT, leaderId, JobViews.images(leader), null);
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
        CacheKey key = submission.keys().exact();
        job.cacheOutcome = CacheOutcome.MISS.wireName();
        try {
            return insert(submission, job);
        } catch (RuntimeException e) {
            // An idempotent replay too: this request's own job never existed.
            releaseQuietly(key, job.id);
            throw e;
        }
    }

    /**
     * The pinned-seed miss, the common case of a request that may coalesce, in one Redis round trip: no entry and
     * the lead claimed, the row goes to a writer; an entry or another leader continue on a worker thread, as in
     * {@link #admitLookedUp}.
     */
    private Uni<JobEntity> lookupOrLead(Submission submission, Timer.Sample lookup) {
        CacheKey key = submission.keys().exact();
        JobEntity job = newJob(submission);
        return timed(exactLookup.lookupOrClaim(key, job.id), lookup).chain(found -> {
            if (found.entry().isEmpty() && found.leader().isEmpty()) {
                return leadAsync(submission, job);
            }
            return blocking(() -> admitLookedUp(submission, found.entry().flatMap(r -> resultCache.usable(key, r))));
        });
    }

    /**
     * Records the Redis round trip of an event-loop admission in {@code easel_cache_lookup_seconds}, however it
     * ends; what follows on a worker thread (storage checks, coalescing) is not part of it.
     */
    private <T> Uni<T> timed(Uni<T> redis, Timer.Sample lookup) {
        return redis.onTermination().invoke(() -> lookup.stop(cacheMetrics.lookup()));
    }

    /** {@link #lead} without blocking. */
    private Uni<JobEntity> leadAsync(Submission submission, JobEntity job) {
        CacheKey key = submission.keys().exact();
        job.cacheOutcome = CacheOutcome.MISS.wireName();
        // Deferred, so that a failure while the row is being built releases the claim too.
        return Uni.createFrom().deferred(() -> insertAsync(submission, job))
                .onFailure().call(e -> releaseQuietlyAsync(key, job.id));
    }

    /** {@link #releaseQuietly} without blocking. */
    private Uni<Void> releaseQuietlyAsync(CacheKey key, UUID jobId) {
        return singleFlight.releaseAsync(key, jobId).onFailure(CacheUnavailableException.class).recoverWithItem(e -> {
            Log.warnf("job %s: in-flight marker not released: %s", jobId, e.getMessage());
            return null;
        });
    }

    /** Ends a lead whose row was not stored; if Redis fails too, the marker expires or is replaced by followers. */
    private void releaseQuietly(CacheKey key, UUID jobId) {
        try {
            singleFlight.release(key, jobId);
        } catch (CacheUnavailableException e) {
            Log.warnf("job %s: in-flight marker not released: %s", jobId, e.getMessage());
        }
    }

    private JobEntity enqueue(Submission submission, CacheOutcome outcome) {
        JobEntity job = newJob(submission);
        job.cacheOutcome = outcome.wireName();
        return insert(submission, job);
    }

    private Uni<JobEntity> enqueueAsync(Submission submission, CacheOutcome outcome) {
        JobEntity job = newJob(submission);
        job.cacheOutcome = outcome.wireName();
        return insertAsync(submission, job);
    }

    /** Stores the job with its {@code easel.jobs} record. */
    private JobEntity insert(Submission submission, JobEntity job) {
        return store(submission, job, queueRecord(submission, job));
    }

    /**
     * {@link #insert} without blocking: the stage completes on the writer thread once the batch committed. (An
     * idempotent duplicate fails it with {@link IdempotentReplay}, from a worker thread; the event-loop path takes
     * no Idempotency-Key, so it does not meet one.)
     */
    private Uni<JobEntity> insertAsync(Submission submission, JobEntity job) {
        return Uni.createFrom().completionStage(() -> writer.insertAsync(job, queueRecord(submission, job)))
                .chain(inserted -> inserted ? Uni.createFrom().item(job)
                        : blocking(() -> replayOfSkipped(submission, job)));
    }

    private OutboxRecord queueRecord(Submission submission, JobEntity job) {
        RequestKeys keys = submission.keys();
        SimilarReuse similar = keys != null && submission.policy().store()
                ? resultCache.similarIndex(keys.similarScope(), submission.policy().similar()) : null;
        JobRequested message = new JobRequested(job.id.toString(), 1, submission.spec(), job.createdAt, job.startDeadline,
                similar);
        return new OutboxRecord(job.id, topics.jobs(), job.id.toString(), JsonCodec.encode(message),
                traceHeaders(submission));
    }

    /** A finished job answered from the cache: no queue record, no GPU time. */
    private JobEntity insertAnswered(Submission submission, CacheOutcome outcome, UUID source,
                                     List<ResultImage> images, Double similarity) {
        JobEntity job = newJob(submission);
        answer(job, outcome, source, images, similarity);
        return store(submission, job, null);
    }

    /**
     * Stores the row (and its outbox record) through the group-committing {@link JobWriter}; when another request
     * with the same Idempotency-Key stored its job first, throws {@link IdempotentReplay} with that job, which
     * {@link #submit} answers with.
     */
    private JobEntity store(Submission submission, JobEntity job, OutboxRecord record) {
        return writer.insert(job, record) ? job : replayOfSkipped(submission, job);
    }

    private JobEntity replayOfSkipped(Submission submission, JobEntity job) {
        throw new IdempotentReplay(replay(submission.idempotencyKey(), submission.requestHash()).orElseThrow(() ->
                new IllegalStateException("job " + job.id + " was skipped as an idempotent duplicate, but no job "
                        + "holds its key")));
    }

    /**
     * Unwinds an admission whose {@code Idempotency-Key} was taken by a job committed meanwhile (a concurrent
     * retry): the answer is that job, and nothing this admission prepared was created. Without a stack trace: it
     * is an answer, not a fault.
     */
    private static final class IdempotentReplay extends RuntimeException {

        private final transient JobEntity job;

        IdempotentReplay(JobEntity job) {
            super("Idempotency-Key taken by job " + job.id, null, false, false);
            this.job = job;
        }
    }

    /** Runs blocking work on a worker thread (never on the event loop that called). */
    private static <T> Uni<T> blocking(Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private static void answer(JobEntity job, CacheOutcome outcome, UUID source, List<ResultImage> images,
                               Double similarity) {
        job.cacheOutcome = outcome.wireName();
        job.cacheSource = source;
        job.cacheSimilarity = similarity;
        JobStateMachine.answerFromCache(job, job.createdAt, images, new JobMetrics(0L, 0L, 0L, 0L));
    }

    private Optional<JobEntity> replay(String idempotencyKey, String requestHash) {
        Optional<JobEntity> existing = QuarkusTransaction.requiringNew().call(() ->
                JobEntity.<JobEntity>find("idempotencyKey", idempotencyKey).firstResultOptional());
        if (existing.isEmpty()) {
            return Optional.empty();
        }
        if (!existing.get().requestHash.equals(requestHash)) {
            throw new IdempotencyKeyReusedException();
        }
        return existing;
    }

    private JobSpec stageInlineImages(ValidatedRequest request) {
        JobSpec spec = request.spec();
        ImageRef image = spec.image() instanceof ImageRef.DataUrl data ? uploads.stage(data, request.image()) : spec.image();
        ImageRef mask = spec.mask() instanceof ImageRef.DataUrl data ? uploads.stage(data, request.mask()) : spec.mask();
        return image == spec.image() && mask == spec.mask() ? spec : spec.withImages(image, mask);
    }

    private static JobEntity newJob(Submission submission) {
        JobSpec spec = submission.spec();
        JobEntity job = new JobEntity();
        job.id = JobIds.next();
        job.kind = spec.kind().wireName();
        job.model = spec.model();
        JobStateMachine.admitQueued(job);
        ObjectNode input = JsonCodec.mapper().valueToTree(spec);
        input.remove("metadata");
        job.spec = input.toString();
        job.metadata = spec.metadata().toString();
        job.idempotencyKey = submission.idempotencyKey();
        job.requestHash = submission.requestHash();
        RequestKeys keys = submission.keys();
        if (keys != null && submission.policy().store()) {
            job.cacheKey = keys.exact().hex();
            job.cacheAnySeedKey = keys.anySeed().hex();
            job.cacheScopeKey = keys.similarScope().hex();
        }
        // Microseconds: what PostgreSQL stores, so the instant read back equals the one published.
        job.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        job.startDeadline = spec.startDeadlineSeconds() == null ? null
                : job.createdAt.plusSeconds(spec.startDeadlineSeconds());
        return job;
    }

    /**
     * The submitting request's trace context (W3C {@code traceparent}), carried to the worker in Kafka headers:
     * the request's span when the tracing SDK is enabled, else the client's own header, else a new trace id,
     * so that the job's logs on every service share one trace id even without a collector.
     */
    private Map<String, String> traceHeaders(Submission submission) {
        Map<String, String> headers = new HashMap<>();
        telemetry.getPropagators().getTextMapPropagator()
                .inject(submission.traceContext(), headers, (carrier, key, value) -> carrier.put(key, value));
        if (!headers.containsKey(TraceParent.HEADER)) {
            headers.put(TraceParent.HEADER, TraceParent.parse(submission.traceParent()).orElseGet(TraceParent::random).header());
        }
        headers.put(Topics.SCHEMA_HEADER, Integer.toString(JobRequested.SCHEMA_VERSION));
        return headers;
    }

    private static String canonicalHash(JsonNode body) {
        try {
            byte[] canonical = SORTED_KEYS.writeValueAsBytes(SORTED_KEYS.convertValue(body, Object.class));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException("cannot hash the request body", e);
        }
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConstraintViolationException c && "23505".equals(c.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
