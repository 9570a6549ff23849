package dev.easel.gateway.cache;

/** Redis could not be reached or answered with an error: the request goes on without the cache. */
public class CacheUnavailableException extends RuntimeException {

    public CacheUnavailableException(String operation, Throwable cause) {
        super("result cache unavailable (" + operation + "): " + cause.getMessage(), cause);
    }
}
