package dev.easel.gateway.rest;

import dev.easel.common.validation.InvalidRequestException;
import dev.easel.gateway.admission.IdempotencyKeyReusedException;
import dev.easel.gateway.admission.QuotaExceededException;
import dev.easel.gateway.identity.TenantExistsException;
import dev.easel.gateway.store.DatabaseOutage;
import dev.easel.gateway.store.JobNotFoundException;
import dev.easel.gateway.store.ShuttingDownException;
import io.quarkus.logging.Log;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure into {@code application/problem+json}; clients never see a stack trace. */
public class ProblemMappers {

    // Long enough for a pool to reconnect or a primary to fail over; clients back off from there.
    private static final int DATABASE_RETRY_AFTER_SECONDS = 5;

    @ServerExceptionMapper
    public Response api(ApiException e, UriInfo uri) {
        return Problem.of(e, path(uri)).toResponse();
    }

    @ServerExceptionMapper
    public Response notFound(JobNotFoundException e, UriInfo uri) {
        return Problem.of(404, "not_found", "Not found", e.getMessage(), path(uri), List.of()).toResponse();
    }

    @ServerExceptionMapper
    public Response tenantExists(TenantExistsException e, UriInfo uri) {
        return Problem.of(409, "tenant_exists", "Conflict", e.getMessage(), path(uri), List.of()).toResponse();
    }

    @ServerExceptionMapper
    public Response quotaExceeded(QuotaExceededException e, UriInfo uri) {
        Response problem = Problem.of(429, "quota_exceeded", "Too Many Requests", e.getMessage(), path(uri), List.of())
                .toResponse();
        return Response.fromResponse(problem).header("Retry-After", Math.max(1, e.retryAfter().toSeconds())).build();
    }

    @ServerExceptionMapper
    public Response keyReused(IdempotencyKeyReusedException e, UriInfo uri) {
        return Problem.of(422, "idempotency_key_reused", "Idempotency key reused", e.getMessage(), path(uri), List.of())
                .toResponse();
    }

    @ServerExceptionMapper
    public Response shuttingDown(ShuttingDownException e, UriInfo uri) {
        return Problem.of(503, "shutting_down", "Service Unavailable", e.getMessage(), path(uri), List.of()).toResponse();
    }

    @ServerExceptionMapper
    public Response invalid(InvalidRequestException e, UriInfo uri) {
        return Problem.of(400, e.code(), "Invalid request",
                        e.violations().size() + " field(s) of the request are invalid", path(uri), e.violations())
                .toResponse();
    }

    // Resources catch their own IOExceptions; one that gets here came from the framework reading the body (a
    // multipart body without its closing boundary, a client that hung up), so the request is at fault.
    @ServerExceptionMapper
    public Response unreadable(IOException e, UriInfo uri) {
        Log.debugf(e, "unreadable request body on %s", path(uri));
        return Problem.of(400, "invalid_request", "Invalid request", "the request body could not be read: "
                + "it is truncated or not valid for its Content-Type", path(uri), List.of()).toResponse();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        String code = switch (e) {
            case NotFoundException nf -> "not_found";
            case NotAllowedException na -> "method_not_allowed";
            case NotSupportedException ns -> "unsupported_media_type";
            case NotAcceptableException na -> "not_acceptable";
            default -> status == 413 ? "payload_too_large" : status < 500 ? "invalid_request" : "internal_error";
        };
        String title = Response.Status.fromStatusCode(status) == null
                ? "Error" : Response.Status.fromStatusCode(status).getReasonPhrase();
        String detail = status >= 500 ? "the server could not handle the request" : clientDetail(e, code);
        Response problem = Problem.of(status, code, title, detail, path(uri), List.of()).toResponse();
        if (e instanceof NotAllowedException && e.getResponse().getHeaderString("Allow") != null) {
            return Response.fromResponse(problem).header("Allow", e.getResponse().getHeaderString("Allow")).build();
        }
        return problem;
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e, UriInfo uri) {
        if (DatabaseOutage.causedBy(e)) {
            Log.warnf("database unavailable on %s: %s", path(uri), e.getMessage());
            Response problem = Problem.of(503, "database_unavailable", "Service Unavailable",
                    "the job store is unavailable; the request may not have been stored: send it again, with the "
                            + "same Idempotency-Key", path(uri), List.of())
                    .toResponse();
            return Response.fromResponse(problem).header("Retry-After", DATABASE_RETRY_AFTER_SECONDS).build();
        }
        Log.errorf(e, "unhandled error on %s", path(uri));
        return Problem.of(500, "internal_error", "Internal Server Error",
                "the server could not handle the request; it has been logged", path(uri), List.of()).toResponse();
    }

    private static String clientDetail(WebApplicationException e, String code) {
        return switch (code) {
            case "not_found" -> "no resource at this path";
            case "method_not_allowed" -> "this path does not accept that method";
            case "unsupported_media_type" -> "this endpoint does not accept that Content-Type";
            case "not_acceptable" -> "this endpoint cannot produce the requested media type";
            default -> e.getMessage() == null ? "the request could not be processed" : e.getMessage();
        };
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : uri.getPath();
    }
}
