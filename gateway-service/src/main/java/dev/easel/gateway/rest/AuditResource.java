package dev.easel.gateway.rest;

import dev.easel.common.json.JsonCodec;
import dev.easel.common.validation.Violation;
import dev.easel.gateway.audit.CallChainVerifier;
import dev.easel.gateway.audit.CallFilter;
import dev.easel.gateway.audit.CallLogQuery;
import dev.easel.gateway.audit.LoggedCall;
import dev.easel.gateway.identity.Action;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /v1/audit}: a tenant's call log for its admins (operators: any tenant's, and {@code -} for calls refused
 * before a tenant was known): pages newest first, an export as JSON lines, and the check of its hash chain.
 */
@SecurityRequirement(name = ApiSecurity.SCHEME)
@Path("/v1/audit")
@Tag(name = "admin")
@Blocking
public class AuditResource {

    static final String JSON_LINES = "application/jsonl";
    private static final int MAX_LIMIT = 1000;
    private static final int DEFAULT_LIMIT = 100;
    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");
    private static final String EXAMPLE_CALL = """
            {"seq": 1042, "at": "2026-12-08T09:14:03.518204Z", "tenant": "acme-marketing",
             "key_id": "k3v9q2m7x1p8r4t6", "principal": "k3v9q2m7x1p8r4t6", "role": "member", "method": "POST",
             "route": "/v1/jobs", "job_id": "0193a1f2-7c4e-7b1a-9d2e-5f6a7b8c9d0e", "status": 202,
             "latency_us": 2140, "client_address": "10.0.3.17", "user_agent": "easel-cli/1.0",
             "request_id": "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
             "prev_hash": "9b1e…", "hash": "4c07…"}""";

    /** A page of calls, newest first. */
    public record CallPage(String tenant, List<LoggedCall> data, String nextCursor, boolean hasMore) {
    }

    private final CallLogQuery query;
    private final CallChainVerifier verifier;
    private final Callers callers;
    private final CursorSeal cursors;

    AuditResource(CallLogQuery query, CallChainVerifier verifier, Callers callers, CursorSeal cursors) {
        this.query = query;
        this.verifier = verifier;
        this.callers = callers;
        this.cursors = cursors;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listCalls", summary = "A tenant's call log",
            description = "Every API call of the tenant, accepted or refused, newest first; calls appear here within "
                    + "about a second. Filters combine with AND. Operators may name another `tenant`, or `-` for "
                    + "calls refused before a tenant was known.")
    @APIResponse(responseCode = "200", description = "A page of calls", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = CallPage.class), examples = @ExampleObject(name = "calls",
            value = "{\"tenant\": \"acme-marketing\", \"data\": [" + EXAMPLE_CALL + "], \"next_cursor\": \"czoxMDQy\", "
                    + "\"has_more\": true}")))
    @APIResponse(responseCode = "400", description = "Invalid filter, limit or cursor", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not an admin", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Another tenant (only operators see them)", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CallPage list(@Parameter(description = "Another tenant's id (operators)") @QueryParam("tenant") String tenant,
                         @Parameter(description = "Calls at or after this time (RFC 3339)") @QueryParam("from") String from,
                         @Parameter(description = "Calls before this time (RFC 3339)") @QueryParam("to") String to,
                         @Parameter(description = "Calls with this API key id") @QueryParam("key_id") String keyId,
                         @Parameter(description = "Calls with this HTTP method") @QueryParam("method") String method,
                         @Parameter(description = "Calls of this route template, e.g. /v1/jobs/{id}") @QueryParam("route") String route,
                         @Parameter(description = "Calls answered with this status") @QueryParam("status") String status,
                         @Parameter(description = "Calls refused with this problem code") @QueryParam("code") String code,
                         @Parameter(description = "Calls that created or named this job") @QueryParam("job_id") String jobId,
                         @Parameter(description = "Page size, 1-1000 (default 100)") @QueryParam("limit") String limit,
                         @Parameter(description = "next_cursor of the previous page") @QueryParam("cursor") String cursor)
            throws SQLException {
        String of = tenant(tenant, "read the call log");
        CallFilter filter = filter(from, to, keyId, method, route, status, code, jobId);
        int pageSize = ApiException.pageSize(limit, DEFAULT_LIMIT, MAX_LIMIT);
        String listing = "audit\n" + of + "\n" + filter;
        CallLogQuery.Page page = query.page(of, filter, after(cursor, listing), pageSize);
        return new CallPage(of, page.calls(), page.next().map(seq -> cursors.seal(Long.toString(seq), listing)).orElse(null),
                page.next().isPresent());
    }

    @GET
    @Path("/export")
    @Produces(JSON_LINES)
    @Operation(operationId = "exportCalls", summary = "Export a tenant's call log as JSON lines",
            description = "Every matching call, oldest first, one JSON object a line (the fields of `GET /v1/audit`), "
                    + "streamed. The same filters as `GET /v1/audit`.")
    @APIResponse(responseCode = "200", description = "The calls", content = @Content(mediaType = JSON_LINES,
            examples = @ExampleObject(name = "calls", value = EXAMPLE_CALL)))
    @APIResponse(responseCode = "400", description = "Invalid filter", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response export(@QueryParam("tenant") String tenant, @QueryParam("from") String from,
                           @QueryParam("to") String to, @QueryParam("key_id") String keyId,
                           @QueryParam("method") String method, @QueryParam("route") String route,
                           @QueryParam("status") String status, @QueryParam("code") String code,
                           @QueryParam("job_id") String jobId) {
        String of = tenant(tenant, "export the call log");
        CallFilter filter = filter(from, to, keyId, method, route, status, code, jobId);
        StreamingOutput lines = out -> {
            try {
                query.export(of, filter, call -> line(out, call));
            } catch (SQLException e) {
                throw new IOException("the call log export failed part way: " + e.getMessage(), e);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        };
        return Response.ok(lines, JSON_LINES).header("Content-Disposition", "attachment; filename=\"calls-" + of
                + ".jsonl\"").build();
    }

    @GET
    @Path("/verify")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "verifyCalls", summary = "Check a tenant's call log for changes",
            description = "Recomputes the hash chain of the tenant's calls from `from_seq` to `to_seq` (by default the "
                    + "whole chain): `intact` is false, with the first broken call and why, when a call was changed, "
                    + "removed or reordered.")
    @APIResponse(responseCode = "200", description = "The outcome", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = CallChainVerifier.Verification.class), examples = @ExampleObject(name = "broken",
            value = "{\"tenant\": \"acme-marketing\", \"checked\": 1041, \"first_seq\": 1, \"last_seq\": 1041, "
                    + "\"intact\": false, \"broken_at\": 1042, \"problem\": \"the call's fields do not give its hash: "
                    + "the row was changed\"}")))
    @APIResponse(responseCode = "400", description = "Invalid range", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CallChainVerifier.Verification verify(@QueryParam("tenant") String tenant,
                                                 @Parameter(description = "First call to check (default 1)") @QueryParam("from_seq") String fromSeq,
                                                 @Parameter(description = "Last call to check (default: the last)") @QueryParam("to_seq") String toSeq)
            throws SQLException {
        String of = tenant(tenant, "verify the call log");
        long first = sequence("from_seq", fromSeq, 1);
        long last = sequence("to_seq", toSeq, Long.MAX_VALUE);
        if (first > last) {
            throw ApiException.invalid("from_seq", Violation.OUT_OF_RANGE, "must not be after to_seq");
        }
        return verifier.verify(of, first, last);
    }

    /** The tenant whose calls are asked for; the calls of no tenant (Call.NO_TENANT) only operators see. */
    private String tenant(String asked, String what) {
        return Guard.tenant(callers.current(), asked, Action.READ_CALL_LOG, what);
    }

    private static void line(OutputStream out, LoggedCall call) {
        try {
            out.write(JsonCodec.encode(call));
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CallFilter filter(String from, String to, String keyId, String method, String route,
                                     String status, String code, String jobId) {
        if (method != null && !method.isEmpty() && !METHOD.matcher(method).matches()) {
            throw ApiException.invalid("method", Violation.INVALID_TYPE, "must be an HTTP method in capitals, such as POST");
        }
        return new CallFilter(instant("from", from), instant("to", to), blankless(keyId), blankless(method),
                blankless(route), status(status), blankless(code), job(jobId));
    }

    private static String blankless(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static Instant instant(String field, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(field, Violation.INVALID_TYPE, "must be an RFC 3339 time such as 2026-12-08T09:00:00Z");
        }
    }

    private static Integer status(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            int status = Integer.parseInt(value);
            if (status >= 100 && status <= 599) {
                return status;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalid("status", Violation.INVALID_TYPE, "must be an HTTP status from 100 to 599");
    }

    private static UUID job(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("job_id", Violation.INVALID_TYPE, "must be a job id");
        }
    }

    private static long sequence(String field, String value, long fallback) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            long seq = Long.parseLong(value);
            if (seq >= 1) {
                return seq;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalid(field, Violation.OUT_OF_RANGE, "must be a whole number from 1");
    }

    /** The sequence number a cursor of this listing starts after; empty without a cursor. */
    private Optional<Long> after(String cursor, String listing) {
        if (cursor == null || cursor.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(cursors.open(cursor, listing)));
        } catch (NumberFormatException e) {
            throw ApiException.invalid("cursor", Violation.INVALID_TYPE, "is not a cursor returned by this API");
        }
    }
}
