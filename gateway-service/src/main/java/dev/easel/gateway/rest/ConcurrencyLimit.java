package dev.easel.gateway.rest;

import dev.easel.gateway.identity.Caller;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Caps the requests one caller (an API key, or a single-sign-on principal) has in flight on this gateway: beyond
 * {@code easel.api.max-concurrent-per-caller} a request is answered 429 {@code too_many_concurrent_requests} with
 * {@code Retry-After} before anything reads its body. One client holding hundreds of {@code Prefer: wait} calls or
 * slow uploads then takes its own share, not everyone's. Event streams are not counted: they have limits of their
 * own ({@code easel.events.max-streams-per-tenant}).
 */
final class ConcurrencyLimit {

    private final int max;
    private final long drainLimit;
    private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();

    ConcurrencyLimit(int max, long drainLimit) {
        if (max < 1) {
            throw new IllegalStateException("easel.api.max-concurrent-per-caller must be at least 1, not " + max);
        }
        this.max = max;
        this.drainLimit = drainLimit;
    }

    /** Counts the request for its caller until it ends; false when it was refused (and answered) instead. */
    boolean admit(RoutingContext context, Caller caller) {
        if (context.request().method() == HttpMethod.GET && context.request().path().endsWith("/events")) {
            return true;
        }
        String who = caller.keyId() != null ? "key " + caller.keyId() : caller.tenant() + " " + caller.principal();
        if (inFlight.merge(who, 1, Integer::sum) > max) {
            release(who);
            context.response().putHeader(HttpHeaderNames.RETRY_AFTER, "1");
            EarlyAnswer.send(context, Problem.of(429, "too_many_concurrent_requests", "Too Many Requests",
                    "this caller has " + max + " requests in progress on this gateway, its limit; send the next one "
                            + "when one has been answered", context.request().path(), List.of()), drainLimit);
            return false;
        }
        context.addEndHandler(ended -> release(who));
        return true;
    }

    private void release(String who) {
        inFlight.merge(who, -1, (count, minusOne) -> count + minusOne == 0 ? null : count + minusOne);
    }
}
