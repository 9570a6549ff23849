package dev.easel.gateway.admission;

import dev.easel.common.event.JobRequested;
import dev.easel.common.event.SimilarReuse;
import dev.easel.common.json.JsonCodec;
import dev.easel.common.queue.Topics;
import dev.easel.common.trace.TraceParent;
import dev.easel.gateway.cache.RequestKeys;
import dev.easel.gateway.cache.ResultCache;
import dev.easel.gateway.store.JobEntity;
import dev.easel.gateway.store.OutboxRecord;
import dev.easel.platform.kafka.TopicsConfig;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;

/** Builds the {@code easel.jobs} record that queues a new job for the workers, stored with its row. */
@ApplicationScoped
class QueueRecords {

    private final TopicsConfig topics;
    private final OpenTelemetry telemetry;
    private final ResultCache resultCache;

    QueueRecords(TopicsConfig topics, OpenTelemetry telemetry, ResultCache resultCache) {
        this.topics = topics;
        this.telemetry = telemetry;
        this.resultCache = resultCache;
    }

    /** The record for {@code job}: its request, its place in the similar-prompt index, its trace. */
    OutboxRecord of(Submission submission, JobEntity job) {
        RequestKeys keys = submission.keys();
        SimilarReuse similar = keys != null && submission.policy().store()
                ? resultCache.similarIndex(keys.similarScope(), submission.policy().similar()) : null;
        JobRequested message = new JobRequested(job.id.toString(), job.tenantId, 1, submission.spec(), job.createdAt,
                job.startDeadline, similar);
        return new OutboxRecord(job.id, topics.jobs(), job.id.toString(), JsonCodec.encode(message),
                traceHeaders(submission));
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
}
