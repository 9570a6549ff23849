package dev.easel.gateway.store;

import java.util.Map;
import java.util.UUID;

/** A Kafka record waiting in {@code job_outbox} for the relay, owned by the job it belongs to. */
public record OutboxRecord(UUID jobId, String topic, String key, byte[] payload, Map<String, String> headers) {
}
