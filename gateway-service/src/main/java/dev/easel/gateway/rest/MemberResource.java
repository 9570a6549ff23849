package dev.easel.gateway.rest;

import dev.easel.common.validation.Violation;
import dev.easel.gateway.identity.AccessPolicy;
import dev.easel.gateway.identity.Action;
import dev.easel.gateway.identity.Caller;
import dev.easel.gateway.identity.Members;
import dev.easel.gateway.identity.Role;
import dev.easel.gateway.identity.Tenants;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /v1/admin/tenants/{tenant}/members}: a tenant's admins (and operators) grant single-sign-on subjects a
 * role in the tenant, change it and take it away ({@link Members}). Nobody grants a role above their own, and no
 * member is an operator.
 */
@SecurityRequirement(name = ApiSecurity.SCHEME)
@Path("/v1/admin/tenants/{tenant}/members")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@Blocking
public class MemberResource {

    // The token's sub claim as sent: printable, at most 255 characters.
    private static final Pattern SUBJECT = Pattern.compile("[^\\p{Cntrl}]{1,255}");
    private static final String MEMBER = """
            {"tenant": "acme-marketing", "subject": "auth0|5f8c2a", "role": "admin",
             "created_at": "2026-12-08T10:00:00Z", "created_by": "k3v9q2m8x1c7b4n6"}""";

    /** A member as the admin API shows it. */
    public record MemberView(String tenant, String subject, String role, Instant createdAt, String createdBy) {
        static MemberView of(Members.Member m) {
            return new MemberView(m.tenant(), m.subject(), m.role().wireName(), m.createdAt(), m.createdBy());
        }
    }

    /** {@code GET .../members}. */
    public record MemberList(List<MemberView> data) {
    }

    private final Members members;
    private final Tenants tenants;
    private final Callers callers;

    MemberResource(Members members, Tenants tenants, Callers callers) {
        this.members = members;
        this.tenants = tenants;
        this.callers = callers;
    }

    @GET
    @Operation(operationId = "listMembers", summary = "List a tenant's members (admin)",
            description = "The single-sign-on subjects granted a role in the tenant, by subject.")
    @APIResponse(responseCode = "200", description = "The members", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = MemberList.class), examples = @ExampleObject(name = "members",
            value = "{\"data\": [" + MEMBER + "]}")))
    @APIResponse(responseCode = "403", description = "Below admin (forbidden)", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Another tenant's", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public MemberList list(@PathParam("tenant") String tenant) throws SQLException {
        manager(tenant);
        return new MemberList(members.list(tenant).stream().map(MemberView::of).toList());
    }

    @PUT
    @Path("/{subject}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "putMember", summary = "Grant a single-sign-on subject a role (admin)",
            description = "Grants the subject (the token's `sub`, percent-encoded in the path) `role` in the tenant, "
                    + "or changes the role it has: its tokens then get this role whatever the provider's groups grant. "
                    + "`role` is viewer, member or admin, and at most the caller's own. Every gateway applies it "
                    + "within `easel.auth.key-cache-ttl`.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "admin",
            value = "{\"role\": \"admin\"}")))
    @APIResponse(responseCode = "200", description = "The member as granted", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MemberView.class),
            examples = @ExampleObject(name = "member", value = MEMBER)))
    @APIResponse(responseCode = "400", description = "Invalid subject or role", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Below admin, or a role above the caller's (forbidden)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such tenant, or another tenant's", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public MemberView grant(@PathParam("tenant") String tenant,
                            @Parameter(description = "The subject, the token's sub claim") @PathParam("subject") String subject,
                            byte[] body) throws SQLException {
        Caller caller = manager(tenant);
        subject(subject);
        AdminBody request = AdminBody.of(body, Set.of("role"));
        Role role = request.role("role");
        request.check();
        if (role == Role.OPERATOR) {
            throw new ApiException(400, "invalid_request", "Invalid request", "role must be viewer, member or admin",
                    List.of(new Violation("role", Violation.UNSUPPORTED_VALUE,
                            "must be one of viewer, member, admin: operators are not members")));
        }
        Guard.require(AccessPolicy.manageMember(caller, tenant, role), caller, "grant role " + role.wireName());
        if (tenants.find(tenant).isEmpty()) {
            throw ApiException.notFound("tenant " + tenant);
        }
        return MemberView.of(members.grant(tenant, subject, role, caller.principal()));
    }

    @DELETE
    @Path("/{subject}")
    @Operation(operationId = "deleteMember", summary = "Take a single-sign-on subject's role away (admin)",
            description = "Its tokens then get only what the provider's groups grant, on every gateway within "
                    + "`easel.auth.key-cache-ttl`.")
    @APIResponse(responseCode = "200", description = "The member, removed", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MemberView.class),
            examples = @ExampleObject(name = "member", value = MEMBER)))
    @APIResponse(responseCode = "403", description = "Below admin, or a member above the caller's role (forbidden)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such member in the tenant", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public MemberView remove(@PathParam("tenant") String tenant, @PathParam("subject") String subject)
            throws SQLException {
        Caller caller = manager(tenant);
        Members.Member member = members.find(tenant, subject).orElseThrow(() -> memberNotFound(subject));
        Guard.require(AccessPolicy.manageMember(caller, tenant, member.role()), caller,
                "remove a member with role " + member.role().wireName());
        if (!members.remove(tenant, subject)) {
            throw memberNotFound(subject);
        }
        return MemberView.of(member);
    }

    /** The caller, if it may manage the tenant's members; another tenant does not exist for it (404). */
    private Caller manager(String tenant) {
        Caller caller = callers.current();
        Guard.require(AccessPolicy.decide(caller, Action.MANAGE_MEMBERS, tenant), caller, "manage members",
                () -> ApiException.notFound("tenant " + tenant));
        return caller;
    }

    private static void subject(String subject) {
        if (!SUBJECT.matcher(subject).matches()) {
            throw ApiException.invalid("subject", Violation.INVALID_TYPE, "must be 1-255 printable characters");
        }
    }

    private static ApiException memberNotFound(String subject) {
        return ApiException.notFound("member " + subject);
    }
}
