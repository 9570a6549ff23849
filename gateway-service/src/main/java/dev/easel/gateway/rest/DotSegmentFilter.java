package dev.easel.gateway.rest;

import dev.easel.common.validation.Violation;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Locale;

/**
 * Refuses a request whose path holds a dot segment ({@code .} or {@code ..}), written out or percent-encoded
 * ({@code %2e%2e}), with 400 {@code invalid_request}. No route of the API has one, and the HTTP layer resolves
 * them before routing: {@code /v1/%2e%2e/q/openapi} reaches {@code /q/openapi}, past an ingress or proxy rule that
 * admits {@code /v1/} only.
 */
@ApplicationScoped
public class DotSegmentFilter {

    // After CallLogFilter (120), so that the refusal is logged; before AuthenticationFilter (110).
    private static final int PRIORITY = 115;

    void register(@Observes Filters filters, ApiConfig config) {
        long drainLimit = config.maxBodyBytes();
        filters.register(context -> {
            if (hasDotSegment(context.request().path())) {
                String message = "the path holds a dot segment (. or .., also percent-encoded)";
                EarlyAnswer.send(context, Problem.of(400, "invalid_request", "Invalid request", message,
                        context.request().path(), List.of(new Violation("path", Violation.UNSUPPORTED_VALUE, message))), drainLimit);
                return;
            }
            context.next();
        }, PRIORITY);
    }

    /** Whether the raw (undecoded) path has a segment that is {@code .} or {@code ..} once {@code %2e} is decoded. */
    static boolean hasDotSegment(String rawPath) {
        if (rawPath == null) {
            return false;
        }
        for (String segment : rawPath.split("/", -1)) {
            String decoded = segment.toLowerCase(Locale.ROOT).replace("%2e", ".");
            if (decoded.equals(".") || decoded.equals("..")) {
                return true;
            }
        }
        return false;
    }
}
