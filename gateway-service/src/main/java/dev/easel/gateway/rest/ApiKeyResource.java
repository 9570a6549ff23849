package dev.easel.gateway.rest;

import dev.easel.gateway.identity.AccessPolicy;
import dev.easel.gateway.identity.Action;
import dev.easel.gateway.identity.ApiKeyEntity;
import dev.easel.gateway.identity.ApiKeyToken;
import dev.easel.gateway.identity.ApiKeys;
import dev.easel.gateway.identity.Caller;
import dev.easel.gateway.identity.Quota;
import dev.easel.gateway.identity.RateLimit;
import dev.easel.gateway.identity.Role;
import dev.easel.gateway.identity.Tenants;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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

/**
 * {@code /v1/admin/tenants/{tenant}/keys}: a tenant's admins (and operators) create, list and revoke its API keys.
 * Nobody creates or revokes a key of a role above their own.
 */
@SecurityRequirement(name = ApiSecurity.SCHEME)
@Path("/v1/admin/tenants/{tenant}/keys")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@Blocking
public class ApiKeyResource {

    /** A key as the admin API shows it: never its secret, which only creation returns. */
    public record KeyView(String id, String tenant, String name, String role, String prefix,
                          TenantResource.RateLimitView rateLimit, TenantResource.QuotaView quotas, Instant createdAt,
                          String createdBy, Instant expiresAt, Instant revokedAt, Instant lastUsedAt) {
        static KeyView of(ApiKeyEntity k) {
            return new KeyView(k.id, k.tenantId, k.name, k.role, ApiKeyToken.PREFIX + k.id,
                    TenantResource.RateLimitView.of(k.rateLimit()), TenantResource.QuotaView.of(k.quota()), k.createdAt,
                    k.createdBy, k.expiresAt, k.revokedAt, k.lastUsedAt);
        }
    }

    /** A key just created, with the whole key in {@code key}: shown this once. */
    public record CreatedKey(String id, String tenant, String name, String role, String key, Instant createdAt,
                             Instant expiresAt) {
    }

    /** {@code GET .../keys}. */
    public record KeyList(List<KeyView> data) {
    }

    private final ApiKeys keys;
    private final Tenants tenants;
    private final Callers callers;

    ApiKeyResource(ApiKeys keys, Tenants tenants, Callers callers) {
        this.keys = keys;
        this.tenants = tenants;
        this.callers = callers;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createApiKey", summary = "Create an API key (admin)",
            description = "Answers the whole key in `key`, this once: the server keeps only a hash. `role` is at "
                    + "most the caller's own; `expires_at` (RFC 3339) is optional.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "key",
            value = "{\"name\": \"dify-workflow\", \"role\": \"member\", \"expires_at\": \"2027-06-30T00:00:00Z\"}")))
    @APIResponse(responseCode = "201", description = "Created", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = CreatedKey.class), examples = @ExampleObject(name = "created", value = """
                    {"id": "k3v9q2m8x1c7b4n6", "tenant": "acme-marketing", "name": "dify-workflow", "role": "member",
                     "key": "easel_sk_k3v9q2m8x1c7b4n6_3q2-Yx0rV8mLhT1cB7nK4dW9sF6gJ2pZ5aE0uI8oR3t",
                     "created_at": "2026-12-07T10:00:00Z", "expires_at": "2027-06-30T00:00:00Z"}""")))
    @APIResponse(responseCode = "400", description = "Invalid request", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Below admin, or a role above the caller's (forbidden)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such tenant, or another tenant's", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response create(@PathParam("tenant") String tenant, byte[] body) {
        Caller caller = callers.current();
        Guard.require(AccessPolicy.decide(caller, Action.MANAGE_KEYS, tenant), caller, "manage keys",
                () -> tenantNotFound(tenant));
        AdminBody request = AdminBody.of(body, Set.of("name", "role", "expires_at", "rate_limit", "quotas"));
        String name = request.text("name", true);
        Role role = request.role("role");
        Instant expiresAt = request.future("expires_at", Instant.now());
        RateLimit limit = request.rateLimit("rate_limit", "key").value();
        Quota quota = request.quota("quotas", "key").value();
        request.check();
        Guard.require(AccessPolicy.manageKey(caller, tenant, role), caller, "create a key with role " + role.wireName());
        if (tenants.find(tenant).isEmpty()) {
            throw tenantNotFound(tenant);
        }
        ApiKeys.Created created = keys.create(tenant, name, role, expiresAt, limit, quota, caller.principal());
        ApiKeyEntity key = created.key();
        return Response.created(URI.create("/v1/admin/tenants/" + tenant + "/keys/" + key.id))
                .entity(new CreatedKey(key.id, key.tenantId, key.name, key.role, created.token().value(),
                        key.createdAt, key.expiresAt))
                .build();
    }

    @GET
    @Operation(operationId = "listApiKeys", summary = "List a tenant's API keys (admin)",
            description = "Newest first, revoked keys included; never their secrets.")
    @APIResponse(responseCode = "200", description = "The keys", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = KeyList.class)))
    @APIResponse(responseCode = "403", description = "Below admin (forbidden)", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Another tenant's", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public KeyList list(@PathParam("tenant") String tenant) {
        Caller caller = callers.current();
        Guard.require(AccessPolicy.decide(caller, Action.MANAGE_KEYS, tenant), caller, "manage keys",
                () -> tenantNotFound(tenant));
        return new KeyList(keys.list(tenant).stream().map(KeyView::of).toList());
    }

    @GET
    @Path("/{key}")
    @Operation(operationId = "getApiKey", summary = "Read an API key (admin)",
            description = "The key's name, role, times and state; never its secret.")
    @APIResponse(responseCode = "200", description = "The key", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = KeyView.class)))
    @APIResponse(responseCode = "403", description = "Below admin (forbidden)", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such key in the tenant", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public KeyView get(@PathParam("tenant") String tenant, @PathParam("key") String id) {
        keyManager(tenant, id);
        return keys.find(tenant, id).map(KeyView::of).orElseThrow(() -> keyNotFound(id));
    }

    @PATCH
    @Path("/{key}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "updateApiKey", summary = "Change an API key (admin)",
            description = "Only the fields given change: `name`, `rate_limit` (`{\"per_second\", \"burst\"}`, "
                    + "or `null` for none) and `quotas` (`{\"active_jobs\", \"images_per_day\", \"images_per_month\"}`, "
                    + "or `null`). Every gateway applies the change within `easel.auth.key-cache-ttl`.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "limit",
            value = "{\"rate_limit\": {\"per_second\": 5, \"burst\": 10}}")))
    @APIResponse(responseCode = "200", description = "The key as changed", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = KeyView.class)))
    @APIResponse(responseCode = "400", description = "Invalid request", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Below admin, or a key above the caller's role (forbidden)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such key in the tenant", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public KeyView update(@PathParam("tenant") String tenant, @PathParam("key") String id, byte[] body) {
        Caller caller = keyManager(tenant, id);
        AdminBody request = AdminBody.of(body, Set.of("name", "rate_limit", "quotas"));
        String name = request.text("name", false);
        AdminBody.Change<RateLimit> limit = request.rateLimit("rate_limit", "key");
        AdminBody.Change<Quota> quota = request.quota("quotas", "key");
        request.check();
        ApiKeyEntity key = keys.find(tenant, id).orElseThrow(() -> keyNotFound(id));
        Guard.require(AccessPolicy.manageKey(caller, tenant, key.keyRole()), caller,
                "change a key with role " + key.role);
        return keys.update(tenant, id, name, limit.given(), limit.value(), quota.given(), quota.value())
                .map(KeyView::of)
                .orElseThrow(() -> keyNotFound(id));
    }

    @DELETE
    @Path("/{key}")
    @Operation(operationId = "revokeApiKey", summary = "Revoke an API key (admin)",
            description = "Refused by this gateway at once and by every other within `easel.auth.key-cache-ttl` "
                    + "(1 s by default). Revoking a revoked key changes nothing. The key stays listed, with `revoked_at`.")
    @APIResponse(responseCode = "200", description = "The key, revoked", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = KeyView.class)))
    @APIResponse(responseCode = "403", description = "Below admin, or a key above the caller's role (forbidden)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such key in the tenant", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public KeyView revoke(@PathParam("tenant") String tenant, @PathParam("key") String id) {
        Caller caller = keyManager(tenant, id);
        ApiKeyEntity key = keys.find(tenant, id).orElseThrow(() -> keyNotFound(id));
        Guard.require(AccessPolicy.manageKey(caller, tenant, key.keyRole()), caller,
                "revoke a key with role " + key.role);
        return keys.revoke(tenant, id).map(KeyView::of).orElseThrow(() -> keyNotFound(id));
    }

    /** The caller, if it may manage the tenant's keys; another tenant's key does not exist for it (404). */
    private Caller keyManager(String tenant, String id) {
        Caller caller = callers.current();
        Guard.require(AccessPolicy.decide(caller, Action.MANAGE_KEYS, tenant), caller, "manage keys",
                () -> keyNotFound(id));
        return caller;
    }

    private static ApiException tenantNotFound(String tenant) {
        return ApiException.notFound("tenant " + tenant);
    }

    private static ApiException keyNotFound(String id) {
        return ApiException.notFound("key " + id);
    }
}
