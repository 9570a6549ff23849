package dev.easel.gateway.rest;

import dev.easel.common.validation.Violation;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a {@code Content-Type} that is not a media type at all ({@code application/}, {@code ;;;}) with a 400
 * problem; left to routing, the parse failure would surface as a 500.
 */
public class ContentTypeFilter {

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> requireParsableContentType(ContainerRequestContext request) {
        String contentType = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
        if (contentType == null || contentType.isBlank()) {
            return Optional.empty();
        }
        try {
            MediaType.valueOf(contentType);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            String message = "is not a media type such as application/json";
            return Optional.of(Problem.of(400, "invalid_request", "Invalid request", "Content-Type " + message,
                    request.getUriInfo().getPath(), List.of(new Violation(HttpHeaders.CONTENT_TYPE, Violation.INVALID_TYPE, message)))
                    .toResponse());
        }
    }
}
