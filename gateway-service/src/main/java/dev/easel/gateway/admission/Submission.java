package dev.easel.gateway.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.common.cache.CacheOutcome;
import dev.easel.common.job.JobSpec;
import dev.easel.common.json.JsonCodec;
import dev.easel.gateway.audit.Call;
import dev.easel.gateway.cache.CachePolicy;
import dev.easel.gateway.cache.RequestKeys;
import dev.easel.gateway.lifecycle.JobStateMachine;
import dev.easel.gateway.store.JobEntity;
import dev.easel.gateway.store.JobIds;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One validated request on its way in: everything needed to build its row, again for each admission attempt
 * (coalescing may try several).
 *
 * @param tenant the tenant the job is submitted for
 * @param owner the principal that submits it
 * @param keys the request's cache keys; null when the cache is off
 * @param requestHash the canonical hash of the body when it came with an {@code Idempotency-Key}, else null
 * @param traceContext the request's trace context, taken on the request's own thread
 * @param call the submitting call, logged with the job's row; null when the call log is off
 */
record Submission(String tenant, String owner, JobSpec spec, RequestKeys keys, CachePolicy policy,
                  String idempotencyKey, String requestHash, Context traceContext, String traceParent, Call call) {

    /** A new queued row for this request with the cache outcome given, not stored yet. */
    JobEntity newJob(CacheOutcome outcome) {
        JobEntity job = new JobEntity();
        job.id = JobIds.next();
        job.kind = spec.kind().wireName();
        job.model = spec.model();
        job.tenantId = tenant;
        job.owner = owner;
        JobStateMachine.admitQueued(job);
        ObjectNode input = JsonCodec.mapper().valueToTree(spec);
        input.remove("metadata");
        job.spec = input.toString();
        job.metadata = spec.metadata().toString();
        job.idempotencyKey = idempotencyKey;
        job.requestHash = requestHash;
        job.cacheOutcome = outcome.wireName();
        if (keys != null && policy.store()) {
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
}
