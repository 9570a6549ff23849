package dev.easel.gateway.rest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** Limits of the public API. */
@ConfigMapping(prefix = "easel.api")
public interface ApiConfig {

    /**
     * Largest accepted request body in bytes (JSON with inline images, multipart, uploads), counted as it arrives
     * whatever its framing; at most {@code quarkus.rest.input-buffer-size} (64 MiB).
     */
    @WithDefault("33554432")
    long maxBodyBytes();

    /**
     * Longest wait for a request body to arrive in full; a client that takes longer gets 408
     * {@code request_timeout} and its connection closed.
     */
    @WithDefault("60s")
    Duration bodyReadTimeout();

    /** Longest {@code Prefer: wait=N} honoured; larger values are capped. */
    @WithDefault("60s")
    Duration maxWait();

    /**
     * The address clients reach the API at (for example {@code https://images.example.com}), for the absolute
     * {@code Location} of a submitted job. Unset, {@code Location} is the path alone: the gateway never builds an
     * address from the request's {@code Host} header, which the client chooses.
     */
    Optional<URI> publicBaseUrl();

    /**
     * Most requests one caller (an API key, a single-sign-on principal) has in progress on one gateway; beyond, 429
     * {@code too_many_concurrent_requests}. Event streams are not counted.
     */
    @WithDefault("128")
    int maxConcurrentPerCaller();

    /** {@code Retry-After} sent with asynchronous (202) answers. */
    @WithDefault("1s")
    Duration retryAfter();
}
