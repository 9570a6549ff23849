package dev.easel.gateway.rest;

import dev.easel.gateway.identity.Caller;
import dev.easel.gateway.identity.RateLimit;
import dev.easel.gateway.limits.RateLimiter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A request's rate limits on the wire: it goes on, with {@code RateLimit-Policy} and {@code RateLimit} (IETF
 * draft-ietf-httpapi-ratelimit-headers) naming its limits and what is left of the tightest, or it is answered 429
 * {@code rate_limited} with {@code Retry-After}. A request Redis could not check goes on without the headers.
 */
final class RateLimits {

    private final RateLimiter limiter;
    private final long drainLimit;

    RateLimits(RateLimiter limiter, long drainLimit) {
        this.limiter = limiter;
        this.drainLimit = drainLimit;
    }

    /** Checks the caller's limits and goes on on the request's own context. */
    void check(RoutingContext context, Caller caller) {
        Context requestContext = Vertx.currentContext();
        limiter.take(caller).subscribe().with(decision -> requestContext.runOnContext(ignored -> {
            if (decision == null) {
                context.next();
                return;
            }
            context.response().putHeader("RateLimit-Policy", policies(caller.rateLimits()));
            RateLimit tightest = decision.tightest();
            long reset = (long) Math.ceil((tightest.burst() - decision.remaining()) / tightest.perSecond());
            context.response().putHeader("RateLimit", "\"" + tightest.name() + "\";r=" + decision.remaining()
                    + ";t=" + Math.max(0, reset));
            if (decision.allowed()) {
                context.next();
                return;
            }
            long retryAfter = Math.max(1, (decision.untilNext().toMillis() + 999) / 1000);
            context.response().putHeader("Retry-After", Long.toString(retryAfter));
            EarlyAnswer.send(context, Problem.of(429, "rate_limited", "Too Many Requests",
                    "over the " + tightest.name() + "'s rate limit of " + format(tightest.perSecond())
                            + " requests per second (burst " + tightest.burst() + "); retry after " + retryAfter + " s",
                    context.request().path(), List.of()), drainLimit);
        }));
    }

    private static String policies(List<RateLimit> limits) {
        return limits.stream().map(l -> "\"" + l.name() + "\";q=" + l.burst() + ";w=" + l.windowSeconds())
                .collect(Collectors.joining(", "));
    }

    private static String format(double perSecond) {
        return perSecond == Math.rint(perSecond) ? Long.toString((long) perSecond)
                : String.format(Locale.ROOT, "%.3f", perSecond);
    }
}
