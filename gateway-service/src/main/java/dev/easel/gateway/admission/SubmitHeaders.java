package dev.easel.gateway.admission;

/**
 * The request headers that shape a submission; each may be null.
 *
 * @param idempotencyKey {@code Idempotency-Key}: the same key and body return the same job
 * @param cacheControl {@code Cache-Control}: {@code no-cache} skips cache lookups, {@code no-store} keeps the
 *     result out of the cache
 * @param traceParent W3C {@code traceparent} of the client, continued when no tracing SDK is active
 */
public record SubmitHeaders(String idempotencyKey, String cacheControl, String traceParent) {
}
