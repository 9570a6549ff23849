package dev.easel.gateway.rest;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Refuses a body whose {@code Content-Length} is above {@code easel.api.max-body-bytes} with a problem+json 413
 * before anything reads it. Without it a body above Quarkus' own hard limit gets an empty 413 from the HTTP layer.
 * The body is discarded before answering, because most HTTP clients only read a response once they have sent
 * their whole request; beyond {@value #DRAIN_FACTOR} times the limit, or when the client waits for
 * {@code 100 Continue} before sending it, the connection is closed instead.
 */
@ApplicationScoped
public class BodyLimitFilter {

    // Ahead of Quarkus' max-body-size check (route order -2) and of the REST layer.
    private static final int PRIORITY = 100;
    private static final long DRAIN_FACTOR = 4;

    void register(@Observes Filters filters, ApiConfig config) {
        long max = config.maxBodyBytes();
        filters.register(context -> check(context, max), PRIORITY);
    }

    private static void check(RoutingContext context, long max) {
        HttpServerRequest request = context.request();
        long declared = RequestBodies.declaredLength(request.getHeader(HttpHeaderNames.CONTENT_LENGTH));
        if (declared <= max) {
            context.next();
            return;
        }
        EarlyAnswer.send(context, Problem.of(RequestBodies.tooLarge(max), request.path()), max * DRAIN_FACTOR);
    }
}
