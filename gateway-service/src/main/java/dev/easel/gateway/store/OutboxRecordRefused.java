package dev.easel.gateway.store;

import java.util.UUID;

/**
 * Fired (synchronously, by the relay) when Kafka refused an outbox record for what it is, so that sending it
 * again cannot succeed; the record is dropped once every observer has returned.
 *
 * @param reason Kafka's exception, as text
 */
public record OutboxRecordRefused(UUID jobId, String topic, String reason) {
}
