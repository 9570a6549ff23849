package dev.easel.gateway.rest;

import dev.easel.gateway.identity.Caller;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /v1/me}: who the credentials say the caller is. */
@SecurityRequirement(name = ApiSecurity.SCHEME)
@Path("/v1/me")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
public class MeResource {

    /** The caller: tenant, role, and the key it came with. */
    public record Me(String tenant, String role, String principal, String keyId) {
    }

    private final Callers callers;

    MeResource(Callers callers) {
        this.callers = callers;
    }

    @GET
    @Operation(operationId = "getMe", summary = "Who am I", description = "The tenant, role and key of the credentials "
            + "sent: a cheap check that a key works.")
    @APIResponse(responseCode = "200", description = "The caller", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Me.class), examples = @ExampleObject(name = "member", value = """
                    {"tenant": "acme-marketing", "role": "member", "principal": "k3v9q2m8x1c7b4n6",
                     "key_id": "k3v9q2m8x1c7b4n6"}""")))
    @APIResponse(responseCode = "401", description = "No or invalid credentials (unauthorized)", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Me me() {
        Caller caller = callers.current();
        return new Me(caller.tenant(), caller.role().wireName(), caller.principal(), caller.keyId());
    }
}
