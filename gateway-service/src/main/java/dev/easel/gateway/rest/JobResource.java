package dev.easel.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.common.job.JobStatus;
import dev.easel.common.validation.Violation;
import dev.easel.gateway.admission.JobAdmission;
import dev.easel.gateway.audit.Call;
import dev.easel.gateway.admission.SubmitHeaders;
import dev.easel.gateway.identity.AccessPolicy;
import dev.easel.gateway.identity.Action;
import dev.easel.gateway.identity.Caller;
import dev.easel.gateway.lifecycle.JobCancellation;
import dev.easel.gateway.store.JobCursor;
import dev.easel.gateway.store.JobEntity;
import dev.easel.gateway.store.JobFinder;
import dev.easel.gateway.store.JobNotFoundException;
import dev.easel.gateway.updates.JobWaiter;
import dev.easel.gateway.view.JobView;
import dev.easel.gateway.view.JobViews;
import io.quarkus.runtime.BlockingOperationControl;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Base64;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** The job API: submit, read, list and cancel (docs/api.md). */
@SecurityRequirement(name = ApiSecurity.SCHEME)
@SecurityScheme(securitySchemeName = ApiSecurity.SCHEME, type = SecuritySchemeType.HTTP, scheme = "bearer",
        bearerFormat = "easel_sk_<id>_<secret> API key, or an OIDC JWT where single sign-on is on",
        description = "Authorization: Bearer <API key>. Keys are created with the admin API (docs/api.md, "
                + "\"Authentication and permissions\").")
@Path("/v1/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "jobs")
@Blocking
public class JobResource {

    /** The parts a multipart job may have, each at most once; the first is required. */
    static final List<String> FORM_PARTS = List.of("request", "image", "mask");

    private static final Pattern PREFER_WAIT = Pattern.compile("(?:^|[;,\\s])wait\\s*=\\s*\"?(\\d{1,9})\"?");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
    private static final int MAX_LIMIT = 100;

    private final JobAdmission admission;
    private final JobFinder jobs;
    private final JobCancellation cancellation;
    private final JobViews views;
    private final JobWaiter waiter;
    private final ApiConfig config;
    private final Callers callers;
    private final CursorSeal cursors;

    JobResource(JobAdmission admission, JobFinder jobs, JobCancellation cancellation, JobViews views, JobWaiter waiter,
                ApiConfig config, Callers callers, CursorSeal cursors) {
        this.callers = callers;
        this.cursors = cursors;
        this.admission = admission;
        this.jobs = jobs;
        this.cancellation = cancellation;
        this.views = views;
        this.waiter = waiter;
        this.config = config;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createJob", summary = "Submit a generation job",
            description = "Validates the request, stores the job and queues it. Answers 202 with the queued job "
                    + "and its Location; with `Prefer: wait=N` blocks up to N seconds (at most easel.api.max-wait, "
                    + "60 by default) and answers 200 when the job finished in time.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "text-to-image", value = Examples.CREATE_TEXT_TO_IMAGE)))
    @APIResponse(responseCode = "202", description = "Queued", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = JobView.class), examples = @ExampleObject(name = "queued", value = Examples.JOB_QUEUED)))
    @APIResponse(responseCode = "200", description = "Finished within Prefer: wait, or an idempotent replay of a finished job",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class),
                    examples = @ExampleObject(name = "succeeded", value = Examples.JOB_SUCCEEDED)))
    @APIResponse(responseCode = "400", description = "Invalid request", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class), examples = @ExampleObject(name = "invalid", value = Examples.PROBLEM_INVALID)))
    @APIResponse(responseCode = "408", description = "The body did not arrive in full within easel.api.body-read-timeout "
            + "(request_timeout); the connection is closed", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "Body too large", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "Unsupported Content-Type", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "Idempotency key reused with another body",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "reused", value = Examples.PROBLEM_IDEMPOTENCY)))
    @APIResponse(responseCode = "503", description = "The job store (PostgreSQL) is unavailable; retry after Retry-After",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "database unavailable", value = Examples.PROBLEM_DATABASE)))
    @NonBlocking
    public Uni<Response> create(byte[] body,
                                @Parameter(description = "Makes retries safe: the same key and body return the same job")
                                @HeaderParam("Idempotency-Key") String idempotencyKey,
                                @Parameter(description = "wait=N: block up to N seconds for the result")
                                @HeaderParam("Prefer") String prefer,
                                @Parameter(description = "no-cache: skip cache lookups and coalescing; no-store: do not cache the result")
                                @HeaderParam("Cache-Control") String cacheControl,
                                @Parameter(description = "W3C trace context; the job's Kafka records and worker logs carry its trace id")
                                @HeaderParam("traceparent") String traceParent) {
        // Runs on the event loop that read the body (BodyPrefetchFilter): parsing
        // and validation are CPU work on at most easel.api.max-body-bytes, and JobAdmission.submit blocks nothing.
        Caller caller = submitter();
        if (body.length > config.maxBodyBytes()) {
            throw RequestBodies.tooLarge(config.maxBodyBytes());
        }
        return submit(RequestBodies.json(body), headers(idempotencyKey, cacheControl, traceParent), wait(prefer), caller,
                callers.call());
    }

    /** Admits the job, waits for it as {@code Prefer: wait} asks, and answers. */
    private Uni<Response> submit(JsonNode request, SubmitHeaders headers, Duration wait, Caller caller, Call call) {
        Context context = Vertx.currentContext();
        Uni<JobEntity> admitting = admission.submit(request, headers, caller, call);
        // The admission runs to its end even if the client leaves meanwhile (the REST layer cancels the answer's
        // Uni): a claimed lead must get its row, and a row handed to a writer is committed and counted anyway.
        Uni<JobEntity> job = Uni.createFrom().emitter(answer -> admitting.subscribe().with(answer::complete, answer::fail));
        if (!wait.isZero()) {
            job = job.chain(admitted -> waiter.awaitFinished(admitted, wait));
        }
        return job.chain(admitted -> admitted.jobStatus() == JobStatus.QUEUED
                // The answer is built and written on the request's own event loop, not on the writer or Redis
                // thread that completed the admission.
                ? Uni.createFrom().item(admitted).emitOn(task -> context.runOnContext(ignored -> task.run()))
                        .map(this::answer)
                // A finished job's view presigns its image URLs (which may refresh credentials) and a running
                // one's reads its progress from Redis: not on the event loop. Such a job was mostly admitted on a
                // worker thread (a cache hit, a replay, Prefer: wait), which then answers too.
                : BlockingOperationControl.isBlockingAllowed() ? Uni.createFrom().item(answer(admitted))
                : onWorker(() -> answer(admitted)));
    }

    private static <T> Uni<T> onWorker(Supplier<T> blocking) {
        return Uni.createFrom().item(blocking).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(operationId = "createJobMultipart", summary = "Submit a job with image files",
            description = "The same as createJob, with the JSON request in the `request` part and the input "
                    + "image and mask as file parts `image` and `mask` instead of data URLs.")
    @APIResponse(responseCode = "202", description = "Queued", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = JobView.class)))
    @APIResponse(responseCode = "400", description = "Invalid request", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The job store (PostgreSQL) is unavailable; retry after Retry-After",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "database unavailable", value = Examples.PROBLEM_DATABASE)))
    public Uni<Response> createMultipart(@RestForm("request") String request, @RestForm("image") FileUpload image,
                                    @RestForm("mask") FileUpload mask,
                                    @HeaderParam("Idempotency-Key") String idempotencyKey,
                                    @HeaderParam("Prefer") String prefer,
                                    @HeaderParam("Cache-Control") String cacheControl,
                                    @HeaderParam("traceparent") String traceParent) {
        Caller caller = submitter();
        if (request == null) {
            throw new ApiException(400, "invalid_request", "Invalid request", "the `request` part is missing",
                    List.of(new Violation("request", Violation.REQUIRED, "the JSON request part is required")));
        }
        JsonNode json = RequestBodies.json(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (json instanceof ObjectNode object) {
            attach(object, "image", image);
            attach(object, "mask", mask);
        }
        return submit(json, headers(idempotencyKey, cacheControl, traceParent), wait(prefer), caller, callers.call());
    }

    private Caller submitter() {
        Caller caller = callers.current();
        Guard.require(AccessPolicy.decide(caller, Action.SUBMIT_JOB), caller, "submit jobs");
        return caller;
    }

    /**
     * Puts a file part into the JSON request as an inline image, so that it is hashed for its Idempotency-Key,
     * validated and staged exactly as a data URL is. The declared type does not matter: an image's type is read
     * from its bytes.
     */
    private static void attach(ObjectNode request, String field, FileUpload file) {
        if (file == null) {
            return;
        }
        if (request.has(field)) {
            throw new ApiException(400, "invalid_request", "Invalid request", field + " given twice",
                    List.of(new Violation(field, Violation.UNSUPPORTED_VALUE, "given both in the JSON and as a file part")));
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file.uploadedFile());
        } catch (IOException e) {
            // The part was received whole (a truncated body fails before this): the server's own file failed.
            throw new UncheckedIOException("cannot read the received " + field + " part from " + file.uploadedFile(), e);
        }
        request.put(field, "data:image/png;base64," + Base64.getEncoder().encodeToString(bytes));
    }

    private static SubmitHeaders headers(String idempotencyKey, String cacheControl, String traceParent) {
        if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            throw new ApiException(400, "invalid_request", "Invalid request", "Idempotency-Key is not valid",
                    List.of(new Violation("Idempotency-Key", Violation.INVALID_TYPE,
                            "must be 1-255 printable ASCII characters without spaces")));
        }
        return new SubmitHeaders(idempotencyKey, cacheControl, traceParent);
    }

    private Duration wait(String prefer) {
        if (prefer == null) {
            return Duration.ZERO;
        }
        Matcher m = PREFER_WAIT.matcher(prefer);
        if (!m.find()) {
            return Duration.ZERO;
        }
        Duration asked = Duration.ofSeconds(Long.parseLong(m.group(1)));
        return asked.compareTo(config.maxWait()) > 0 ? config.maxWait() : asked;
    }

    private Response answer(JobEntity job) {
        JobView view = views.ofNew(job);
        // Set as a header: Response.location would resolve the path against the request's Host header.
        String location = config.publicBaseUrl().map(base -> base.toString().replaceAll("/+$", "")).orElse("")
                + view.links().self();
        if (job.jobStatus().isTerminal()) {
            return Response.ok(view).header(HttpHeaders.LOCATION, location).build();
        }
        return Response.accepted(view).header(HttpHeaders.LOCATION, location)
                .header("Retry-After", Math.max(1, config.retryAfter().toSeconds())).build();
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "getJob", summary = "Read a job", description = "Status, queue position, progress, outputs and errors of one job.")
    @APIResponse(responseCode = "200", description = "The job", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = JobView.class), examples = {
                    @ExampleObject(name = "running", value = Examples.JOB_RUNNING),
                    @ExampleObject(name = "succeeded", value = Examples.JOB_SUCCEEDED)}))
    @APIResponse(responseCode = "404", description = "No such job", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class), examples = @ExampleObject(name = "not found", value = Examples.PROBLEM_NOT_FOUND)))
    @APIResponse(responseCode = "503", description = "The job store (PostgreSQL) is unavailable; retry after Retry-After",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "database unavailable", value = Examples.PROBLEM_DATABASE)))
    public JobView get(@PathParam("id") String id) {
        return views.of(readable(id));
    }

    /** The job, if the caller may read it; another tenant's job does not exist for the caller (404). */
    private JobEntity readable(String id) {
        Caller caller = callers.current();
        JobEntity job = jobs.get(id);
        Guard.require(AccessPolicy.decide(caller, Action.READ_JOBS, job.tenantId), caller, "read jobs",
                () -> new JobNotFoundException(id));
        return job;
    }

    @GET
    @Operation(operationId = "listJobs", summary = "List jobs", description = "Newest first, with an opaque cursor for the "
            + "next page: the caller's tenant's jobs; an operator's list holds every tenant's unless it names one in `tenant`.")
    @APIResponse(responseCode = "200", description = "A page of jobs", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = JobList.class)))
    @APIResponse(responseCode = "400", description = "Invalid filter, limit or cursor", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The job store (PostgreSQL) is unavailable; retry after Retry-After",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "database unavailable", value = Examples.PROBLEM_DATABASE)))
    public JobList list(@Parameter(description = "Only jobs in this status") @QueryParam("status") String status,
                        @Parameter(description = "Page size, 1-100 (default 20)") @QueryParam("limit") String limit,
                        @Parameter(description = "next_cursor of the previous page") @QueryParam("cursor") String cursor,
                        @Parameter(description = "Only this tenant's jobs (operators; everyone else sees only their own)")
                        @QueryParam("tenant") String tenant) {
        Caller caller = callers.current();
        String named = Guard.tenant(caller, tenant, Action.READ_JOBS, "read jobs");
        Optional<JobStatus> filter = Optional.ofNullable(status).filter(s -> !s.isEmpty()).map(s ->
                JobStatus.fromWire(s).orElseThrow(() -> ApiException.invalid("status", Violation.UNSUPPORTED_VALUE,
                        "must be one of queued, running, succeeded, failed, canceled, expired")));
        int pageSize = ApiException.pageSize(limit, 20, MAX_LIMIT);
        // An operator lists every tenant's jobs unless it names one; anyone else its own tenant's.
        boolean everyTenant = caller.clusterWide() && (tenant == null || tenant.isEmpty());
        String listing = "jobs\n" + (everyTenant ? "*" : named) + "\n" + filter.map(JobStatus::wireName).orElse("");
        Optional<JobCursor> after = Optional.ofNullable(cursor).filter(c -> !c.isEmpty())
                .map(c -> JobCursor.parse(cursors.open(c, listing)).orElseThrow(() ->
                        ApiException.invalid("cursor", Violation.INVALID_TYPE, "is not a cursor returned by this API")));
        JobFinder.JobPage page = jobs.list(everyTenant ? Optional.empty() : Optional.of(named), filter, pageSize, after);
        return new JobList(page.jobs().stream().map(views::summary).toList(),
                page.next().map(next -> cursors.seal(next.position(), listing)).orElse(null), page.next().isPresent());
    }

    @POST
    @Path("/{id}/cancel")
    @Operation(operationId = "cancelJob", summary = "Cancel a job",
            description = "A queued job is canceled at once; a running job stops at its next step and then reports "
                    + "`canceled`. Idempotent: a finished job is returned unchanged.")
    @APIResponse(responseCode = "200", description = "The job after the cancel request", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class)))
    @APIResponse(responseCode = "404", description = "No such job", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The job store (PostgreSQL) is unavailable; retry after Retry-After",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "database unavailable", value = Examples.PROBLEM_DATABASE)))
    public JobView cancel(@PathParam("id") String id) {
        Caller caller = callers.current();
        JobEntity job = jobs.get(id);
        Guard.require(AccessPolicy.cancel(caller, job.tenantId, job.owner), caller, "cancel this job (a member "
                + "cancels only the jobs it submitted)", () -> new JobNotFoundException(id));
        return views.of(cancellation.cancel(id));
    }

    /** A page of {@code GET /v1/jobs}. */
    public record JobList(List<JobView> data, String nextCursor, boolean hasMore) {
    }
}
