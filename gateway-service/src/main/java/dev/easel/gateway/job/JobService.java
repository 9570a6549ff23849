package dev.easel.gateway.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.common.event.JobEvent;
import dev.easel.common.event.JobRequested;
import dev.easel.common.job.ImageRef;
import dev.easel.common.job.JobSpec;
import dev.easel.common.job.JobStatus;
import dev.easel.common.json.JsonCodec;
import dev.easel.common.queue.Topics;
import dev.easel.common.validation.JobRequestValidator;
import dev.easel.gateway.api.ApiException;
import dev.easel.gateway.event.JobUpdates;
import dev.easel.gateway.model.ConfiguredModelCatalog;
import dev.easel.gateway.outbox.Outbox;
import dev.easel.gateway.upload.UploadStore;
import dev.easel.platform.kafka.TopicsConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
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
import org.hibernate.exception.ConstraintViolationException;

/** Submits, reads, lists and cancels jobs; the transactional core behind the job API. */
@ApplicationScoped
public class JobService {

    /** The worker id gateway-originated events carry (cancel of a queued job, start-deadline expiry). */
    public static final String GATEWAY = "gateway";

    private static final SecureRandom SEEDS = new SecureRandom();
    // Key order and whitespace do not make a different request.
    private static final ObjectMapper SORTED_KEYS = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final ConfiguredModelCatalog catalog;
    private final UploadStore uploads;
    private final Outbox outbox;
    private final CancelFlags cancelFlags;
    private final JobUpdates updates;
    private final OpenTelemetry telemetry;
    private final TopicsConfig topics;
    private final Counter submitted;

    JobService(ConfiguredModelCatalog catalog, UploadStore uploads, Outbox outbox, CancelFlags cancelFlags,
               JobUpdates updates, OpenTelemetry telemetry, TopicsConfig topics, MeterRegistry registry) {
        this.telemetry = telemetry;
        this.topics = topics;
        this.catalog = catalog;
        this.uploads = uploads;
        this.outbox = outbox;
        this.cancelFlags = cancelFlags;
        this.updates = updates;
        this.submitted = Counter.builder("easel_jobs_submitted").description("Jobs accepted by POST /v1/jobs")
                .register(registry);
    }

    /**
     * Validates the body, stores the job and its {@code easel.jobs} record in one transaction, and returns it;
     * a repeated {@code Idempotency-Key} with the same body returns the job that key created.
     *
     * @throws dev.easel.common.validation.InvalidRequestException listing every violation
     * @throws ApiException {@code idempotency_key_reused} when the key was used with another body
     */
    public JobEntity submit(JsonNode body, String idempotencyKey) {
        String requestHash = idempotencyKey == null ? null : canonicalHash(body);
        if (idempotencyKey != null) {
            Optional<JobEntity> replay = replay(idempotencyKey, requestHash);
            if (replay.isPresent()) {
                return replay.get();
            }
        }
        JobSpec spec = JobRequestValidator.validate(body, catalog, uploads, () -> SEEDS.nextLong() & Long.MAX_VALUE);
        spec = stageInlineImages(spec);
        JobEntity job = newJob(spec, idempotencyKey, requestHash);
        JobRequested message = new JobRequested(job.id.toString(), 1, spec, job.createdAt, job.startDeadline);
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                job.persist();
                outbox.add(job.id, topics.jobs(), job.id.toString(), JsonCodec.encode(message), traceHeaders());
            });
        } catch (RuntimeException e) {
            if (idempotencyKey != null && isUniqueViolation(e)) {
                // A concurrent request with the same key committed first: answer with its job.
                return replay(idempotencyKey, requestHash).orElseThrow(() -> e);
            }
            throw e;
        }
        submitted.increment();
        Log.debugf("job %s: queued (%s, model %s)", job.id, job.kind, job.model);
        return job;
    }

    private Optional<JobEntity> replay(String idempotencyKey, String requestHash) {
        Optional<JobEntity> existing = QuarkusTransaction.requiringNew().call(() ->
                JobEntity.<JobEntity>find("idempotencyKey", idempotencyKey).firstResultOptional());
        if (existing.isEmpty()) {
            return Optional.empty();
        }
        if (!existing.get().requestHash.equals(requestHash)) {
            throw new ApiException(422, "idempotency_key_reused", "Idempotency key reused",
                    "this Idempotency-Key was already used with a different request body");
        }
        return existing;
    }

    private JobSpec stageInlineImages(JobSpec spec) {
        ImageRef image = spec.image() instanceof ImageRef.DataUrl data ? uploads.stage(data) : spec.image();
        ImageRef mask = spec.mask() instanceof ImageRef.DataUrl data ? uploads.stage(data) : spec.mask();
        return image == spec.image() && mask == spec.mask() ? spec : spec.withImages(image, mask);
    }

    private static JobEntity newJob(JobSpec spec, String idempotencyKey, String requestHash) {
        JobEntity job = new JobEntity();
        job.id = JobIds.next();
        job.kind = spec.kind().wireName();
        job.model = spec.model();
        job.status = JobStatus.QUEUED.wireName();
        ObjectNode input = JsonCodec.mapper().valueToTree(spec);
        input.remove("metadata");
        job.spec = input.toString();
        job.metadata = spec.metadata().toString();
        job.idempotencyKey = idempotencyKey;
        job.requestHash = requestHash;
        // Microseconds: what PostgreSQL stores, so the instant read back equals the one published.
        job.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        job.startDeadline = spec.startDeadlineSeconds() == null ? null
                : job.createdAt.plusSeconds(spec.startDeadlineSeconds());
        return job;
    }

    /** The submitting request's trace context (W3C {@code traceparent}), carried to the worker in Kafka headers. */
    private Map<String, String> traceHeaders() {
        Map<String, String> headers = new HashMap<>();
        telemetry.getPropagators().getTextMapPropagator()
                .inject(Context.current(), headers, (carrier, key, value) -> carrier.put(key, value));
        headers.put(Topics.SCHEMA_HEADER, Integer.toString(JobRequested.SCHEMA_VERSION));
        return headers;
    }

    public JobEntity get(String id) {
        UUID uuid = JobIds.parse(id).orElseThrow(() -> ApiException.notFound("job " + id));
        JobEntity job = QuarkusTransaction.requiringNew().call(() -> JobEntity.<JobEntity>findById(uuid));
        if (job == null) {
            throw ApiException.notFound("job " + id);
        }
        return job;
    }

    /** A page of jobs, newest first, after the cursor's position. */
    public JobPage list(Optional<JobStatus> status, int limit, Optional<JobCursor> after) {
        StringBuilder query = new StringBuilder("1 = 1");
        Map<String, Object> params = new HashMap<>();
        status.ifPresent(s -> {
            query.append(" and status = :status");
            params.put("status", s.wireName());
        });
        after.ifPresent(c -> {
            query.append(" and (createdAt < :at or (createdAt = :at and id < :id))");
            params.put("at", c.createdAt());
            params.put("id", c.id());
        });
        query.append(" order by createdAt desc, id desc");
        List<JobEntity> rows = QuarkusTransaction.requiringNew().call(() ->
                JobEntity.<JobEntity>find(query.toString(), params).page(0, limit + 1).list());
        boolean more = rows.size() > limit;
        List<JobEntity> page = more ? rows.subList(0, limit) : rows;
        Optional<JobCursor> next = more
                ? Optional.of(new JobCursor(page.getLast().createdAt, page.getLast().id)) : Optional.empty();
        return new JobPage(page, next);
    }

    /** A page of {@link #list} and the cursor of the next page, if any. */
    public record JobPage(List<JobEntity> jobs, Optional<JobCursor> next) {
    }

    /**
     * Cancels a job: a queued job ends as {@code canceled} at once; a running one gets a cancel request that
     * its worker honours at the next step. Finished jobs are returned unchanged.
     */
    public JobEntity cancel(String id) {
        UUID uuid = JobIds.parse(id).orElseThrow(() -> ApiException.notFound("job " + id));
        JobEvent[] applied = new JobEvent[1];
        JobEntity job = QuarkusTransaction.requiringNew().call(() -> {
            JobEntity row = JobEntity.findById(uuid, LockModeType.PESSIMISTIC_WRITE);
            if (row == null) {
                throw ApiException.notFound("job " + id);
            }
            switch (row.jobStatus()) {
                case QUEUED -> {
                    JobEvent event = new JobEvent.Canceled(row.id.toString(), Math.max(1, row.appliedAttempt),
                            row.appliedSeq + 1, GATEWAY, Instant.now());
                    if (JobStateMachine.apply(row, event) == JobStateMachine.Outcome.APPLIED) {
                        applied[0] = event;
                    }
                    row.cancelRequestedAt = event.at();
                }
                case RUNNING -> {
                    if (row.cancelRequestedAt == null) {
                        row.cancelRequestedAt = Instant.now();
                    }
                }
                case SUCCEEDED, FAILED, CANCELED, EXPIRED -> {
                }
            }
            return row;
        });
        if (job.cancelRequestedAt != null && !job.jobStatus().isTerminal() || applied[0] != null) {
            cancelFlags.raise(uuid);
        }
        if (applied[0] != null) {
            Log.infof("job %s: canceled while queued", uuid);
            updates.publish(job, applied[0]);
        } else if (job.jobStatus() == JobStatus.RUNNING) {
            Log.infof("job %s: cancel requested while running", uuid);
        }
        return job;
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
