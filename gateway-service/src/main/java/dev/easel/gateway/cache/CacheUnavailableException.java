package dev.easel.gateway.cache;

import io.smallrye.mutiny.Uni;
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
     * The same for a command that does not block the caller: its failure, or no answer within the
     * {@link RedisTimeout}, is counted and becomes this exception.
     */
    static <T> Uni<T> around(String operation, CacheMetrics metrics, RedisTimeout timeout, Uni<T> command) {
        return timeout.bound(command).onFailure().transform(e -> {
            metrics.failure();
            return new CacheUnavailableException(operation, e);
        });
    }
}
