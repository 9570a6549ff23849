package dev.easel.gateway.cache;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Redis (or, for a hit's storage check, object storage) could not be reached or answered with an error: the
 * request goes on without the cache.
 */
public class CacheUnavailableException extends RuntimeException {

    public CacheUnavailableException(String operation, Throwable cause) {
        super("result cache unavailable (" + operation + "): " + cause.getMessage(), cause);
    }

    /** Runs one cache command; a failure is counted and rethrown as this exception. */
    static <T> T around(String operation, CacheMetrics metrics, Supplier<T> command) {
        try {
            return command.get();
        } catch (RuntimeException e) {
            metrics.failure();
            throw new CacheUnavailableException(operation, e);
        }
    }

    /**
     * The same for a command that does not block the caller: its failure, or no answer within {@code timeout} (the
     * limit {@code quarkus.redis.timeout} sets on blocking commands; the non-blocking client has none of its own),
     * is counted and becomes this exception.
     */
    static <T> Uni<T> around(String operation, CacheMetrics metrics, Duration timeout, Uni<T> command) {
        return command.ifNoItem().after(timeout)
                .failWith(() -> new TimeoutException("no answer from Redis within " + timeout.toMillis() + " ms"))
                .onFailure().transform(e -> {
                    metrics.failure();
                    return new CacheUnavailableException(operation, e);
                });
    }
}
