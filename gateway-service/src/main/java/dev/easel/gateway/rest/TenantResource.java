package dev.easel.gateway.rest;

import dev.easel.gateway.identity.AccessPolicy;
import dev.easel.gateway.identity.Action;
import dev.easel.gateway.identity.Caller;
import dev.easel.gateway.identity.Quota;
import dev.easel.gateway.identity.RateLimit;
import dev.easel.gateway.identity.TenantEntity;
import dev.easel.gateway.identity.Tenants;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /v1/admin/tenants}: operators create, list and change tenants; a tenant's admin reads its own. */
@SecurityRequirement(name = ApiSecurity.SCHEME)
@Path("/v1/admin/tenants")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@Blocking
public class TenantResource {

    private static final String SLUG = "1-63 characters of a-z, 0-9 and '-', starting with a letter or digit";

    /** A tenant as the admin API shows it. */
    public record TenantView(String id, String name, String cachePool, RateLimitView rateLimit, QuotaView quotas,
                             Instant createdAt, Instant disabledAt) {
        static TenantView of(TenantEntity t) {
            return new TenantView(t.id, t.name, t.effectiveCachePool(), RateLimitView.of(t.rateLimit()),
                    QuotaView.of(t.quota()), t.createdAt, t.disabledAt);
        }
    }

    /** Quotas as the admin API shows and takes them. */
    public record QuotaView(Integer activeJobs, Integer imagesPerDay, Integer imagesPerMonth) {
        static QuotaView of(Quota quota) {
            return quota == null ? null : new QuotaView(quota.activeJobs(), quota.imagesPerDay(), quota.imagesPerMonth());
        }
    }

    /** A rate limit as the admin API shows and takes it. */
    public record RateLimitView(double perSecond, int burst) {
        static RateLimitView of(RateLimit limit) {
            return limit == null ? null : new RateLimitView(limit.perSecond(), limit.burst());
        }
    }

    /** {@code GET /v1/admin/tenants}. */
    public record TenantList(List<TenantView> data) {
    }

    private final Tenants tenants;
    private final Callers callers;

    TenantResource(Tenants tenants, Callers callers) {
        this.tenants = tenants;
        this.callers = callers;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createTenant", summary = "Create a tenant (operator)",
            description = "`id` is permanent: it names the tenant in storage keys, cache keys and the call log. "
                    + "`cache_pool` puts the tenant's results into a pool shared with the tenants that name the same "
                    + "pool; without it they are its own.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "tenant",
            value = "{\"id\": \"acme-marketing\", \"name\": \"ACME marketing\"}")))
    @APIResponse(responseCode = "201", description = "Created", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = TenantView.class), examples = @ExampleObject(name = "created", value = """
                    {"id": "acme-marketing", "name": "ACME marketing", "cache_pool": "acme-marketing",
                     "created_at": "2026-12-07T10:00:00Z", "disabled_at": null}""")))
    @APIResponse(responseCode = "400", description = "Invalid request", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not an operator (forbidden)", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The id is taken (tenant_exists)", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response create(byte[] body) {
        Caller caller = callers.current();
        Guard.require(AccessPolicy.decide(caller, Action.MANAGE_TENANTS), caller, "manage tenants");
        AdminBody request = AdminBody.of(body, Set.of("id", "name", "cache_pool"));
        String id = request.matching("id", true, TenantEntity.ID, SLUG);
        String name = request.text("name", false);
        String pool = request.matching("cache_pool", false, TenantEntity.ID, SLUG);
        request.check();
        TenantEntity tenant = tenants.create(id, name == null ? id : name, pool);
        return Response.created(URI.create("/v1/admin/tenants/" + id)).entity(TenantView.of(tenant)).build();
    }

    @GET
    @Operation(operationId = "listTenants", summary = "List tenants (operator)",
            description = "Every tenant, disabled ones included, in id order.")
    @APIResponse(responseCode = "200", description = "Every tenant, in id order", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TenantList.class)))
    @APIResponse(responseCode = "403", description = "Not an operator (forbidden)", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public TenantList list() {
        Caller caller = callers.current();
        Guard.require(AccessPolicy.decide(caller, Action.MANAGE_TENANTS), caller, "list tenants");
        return new TenantList(tenants.list().stream().map(TenantView::of).toList());
    }

    @GET
    @Path("/{tenant}")
    @Operation(operationId = "getTenant", summary = "Read a tenant (its admin, or an operator)",
            description = "Another tenant answers 404, as a tenant that does not exist.")
    @APIResponse(responseCode = "200", description = "The tenant", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TenantView.class)))
    @APIResponse(responseCode = "403", description = "Below admin (forbidden)", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such tenant, or another tenant's", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public TenantView get(@PathParam("tenant") String id) {
        Caller caller = callers.current();
        Guard.require(AccessPolicy.decide(caller, Action.READ_TENANT, id), caller, "read the tenant",
                () -> ApiException.notFound("tenant " + id));
        return tenants.find(id).map(TenantView::of).orElseThrow(() -> ApiException.notFound("tenant " + id));
    }

    @PATCH
    @Path("/{tenant}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "updateTenant", summary = "Change a tenant (operator)",
            description = "Only the fields given change. `cache_pool: \"\"` returns the tenant to a pool of its own; "
                    + "`disabled: true` refuses its keys on every gateway within `easel.auth.key-cache-ttl`; "
                    + "`rate_limit: {\"per_second\", \"burst\"}` limits the requests of all its keys together "
                    + "(`null`: no limit); `quotas: {\"active_jobs\", \"images_per_day\", \"images_per_month\"}` "
                    + "bounds its jobs (`null`: none).")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "disable",
            value = "{\"disabled\": true}")))
    @APIResponse(responseCode = "200", description = "The tenant as changed", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TenantView.class)))
    @APIResponse(responseCode = "400", description = "Invalid request", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not an operator (forbidden)", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such tenant", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public TenantView update(@PathParam("tenant") String id, byte[] body) {
        Caller caller = callers.current();
        Guard.require(AccessPolicy.decide(caller, Action.MANAGE_TENANTS, id), caller, "manage tenants",
                () -> ApiException.notFound("tenant " + id));
        AdminBody request = AdminBody.of(body, Set.of("name", "cache_pool", "disabled", "rate_limit", "quotas"));
        String name = request.text("name", false);
        String pool = request.clearable("cache_pool", TenantEntity.ID, SLUG);
        Boolean disabled = request.bool("disabled");
        AdminBody.Change<RateLimit> limit = request.rateLimit("rate_limit", "tenant");
        AdminBody.Change<Quota> quota = request.quota("quotas", "tenant");
        request.check();
        return tenants.update(id, name, pool, disabled, limit.given(), limit.value(), quota.given(), quota.value())
                .map(TenantView::of)
                .orElseThrow(() -> ApiException.notFound("tenant " + id));
    }
}
