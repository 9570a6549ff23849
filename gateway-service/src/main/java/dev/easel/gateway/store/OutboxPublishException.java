package dev.easel.gateway.store;

/** Kafka did not acknowledge a batch of outbox records; the relay backs off and tries the batch again. */
public class OutboxPublishException extends RuntimeException {

    public OutboxPublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
