package dev.easel.gateway.rest;

import dev.easel.common.validation.Violation;
import dev.easel.gateway.identity.Action;
import dev.easel.gateway.identity.Caller;
import dev.easel.gateway.store.JobUsage;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /v1/usage}: what a tenant consumed, per day and model. */
@SecurityRequirement(name = ApiSecurity.SCHEME)
@Path("/v1/usage")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@Blocking
public class UsageResource {

    private static final int MAX_DAYS = 366;
    private static final int DEFAULT_DAYS = 30;

    /** The answer: the tenant, the range, and its days with jobs. */
    public record Usage(String tenant, LocalDate from, LocalDate to, List<JobUsage.Day> data) {
    }

    private final JobUsage usage;
    private final Callers callers;

    UsageResource(JobUsage usage, Callers callers) {
        this.usage = usage;
        this.callers = callers;
    }

    @GET
    @Operation(operationId = "getUsage", summary = "A tenant's consumption",
            description = "Jobs by outcome, images, cache hits and GPU-seconds (the workers' inference time) per UTC "
                    + "day and model, for the days from `from` to `to` (both included; the last 30 days by default, "
                    + "at most 366). Days without jobs are left out. Operators may name another `tenant`.")
    @APIResponse(responseCode = "200", description = "The usage", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Usage.class), examples = @ExampleObject(name = "usage", value = """
                    {"tenant": "acme-marketing", "from": "2026-11-08", "to": "2026-12-07", "data": [
                     {"date": "2026-12-07", "model": "tiny-shapes", "jobs": 12, "succeeded": 10, "failed": 1,
                      "canceled": 1, "expired": 0, "images": 11, "cache_hits": 3, "gpu_seconds": 8.412}]}""")))
    @APIResponse(responseCode = "400", description = "Invalid range", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Another tenant (only operators see them)", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Usage get(@Parameter(description = "First day, YYYY-MM-DD (UTC)") @QueryParam("from") String from,
                     @Parameter(description = "Last day, YYYY-MM-DD (UTC); default today") @QueryParam("to") String to,
                     @Parameter(description = "Another tenant's id (operators)") @QueryParam("tenant") String tenant) {
        Caller caller = callers.current();
        String of = Guard.tenant(caller, tenant, Action.READ_USAGE, "read usage");
        LocalDate last = to == null || to.isEmpty() ? LocalDate.now(ZoneOffset.UTC) : date("to", to);
        LocalDate first = from == null || from.isEmpty() ? last.minusDays(DEFAULT_DAYS - 1) : date("from", from);
        if (first.isAfter(last)) {
            throw ApiException.invalid("from", Violation.OUT_OF_RANGE, "must not be after to");
        }
        if (ChronoUnit.DAYS.between(first, last) >= MAX_DAYS) {
            throw ApiException.invalid("from", Violation.OUT_OF_RANGE, "the range may span at most " + MAX_DAYS + " days");
        }
        return new Usage(of, first, last, usage.days(of, first, last));
    }

    private static LocalDate date(String field, String value) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(field, Violation.INVALID_TYPE, "must be a date, YYYY-MM-DD");
        }
    }
}
