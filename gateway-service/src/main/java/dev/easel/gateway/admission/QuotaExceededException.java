package dev.easel.gateway.admission;

import java.time.Duration;

/** A job the caller's quota does not allow now; {@code retryAfter} says when it may. Without a stack trace: an answer. */
public class QuotaExceededException extends RuntimeException {

    private final transient Duration retryAfter;

    QuotaExceededException(String message, Duration retryAfter) {
        super(message, null, false, false);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
