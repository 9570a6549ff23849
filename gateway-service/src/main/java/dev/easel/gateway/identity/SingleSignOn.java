package dev.easel.gateway.identity;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * Single sign-on: a bearer JWT of the organisation's OIDC provider (Keycloak, Entra ID, Auth0...), verified by
 * Quarkus' SmallRye JWT ({@code mp.jwt.verify.publickey.location} names the provider's JWKS, with
 * {@code mp.jwt.verify.issuer} and {@code mp.jwt.verify.audiences}; signature, expiry, issuer and audience are all
 * checked, and unsigned tokens are refused). Its claims become a {@link Caller} as {@code easel.auth.oidc.*} says:
 * the tenant from a claim (or one configured tenant), the role the tenant's admins granted the subject as a member
 * ({@link Members}) or else the one the groups the mapping grants, the subject as the principal. A token granted no
 * role, or naming a tenant that does not exist, is refused.
 */
@ApplicationScoped
public class SingleSignOn {

    private record TenantState(String cachePool, boolean disabled, RateLimit rateLimit, Quota quota) {
    }

    private final JWTParser parser;
    private final AuthConfig config;
    private final Map<String, Role> grants;
    private final RecentReads<Optional<TenantState>> tenants;
    private final Members members;

    SingleSignOn(JWTParser parser, AuthConfig config, Members members) {
        this.parser = parser;
        this.config = config;
        this.members = members;
        this.grants = grants(config.oidc().roles());
        this.tenants = new RecentReads<>(config.keyCacheTtl());
    }

    /** The role each claim value grants, checked when the gateway starts. */
    static Map<String, Role> grants(Map<String, String> roles) {
        Map<String, Role> grants = new ConcurrentHashMap<>();
        roles.forEach((value, role) -> grants.put(value, Role.fromWire(role).orElseThrow(() ->
                new IllegalStateException("easel.auth.oidc.roles.\"" + value + "\" is " + role
                        + ", not one of viewer, member, admin, operator"))));
        return grants;
    }

    public boolean enabled() {
        return config.oidc().enabled();
    }

    /** Blocks: verifying may fetch the provider's keys, and the tenant is read from the database. */
    public Authentication authenticate(String token) {
        JsonWebToken jwt;
        try {
            jwt = parser.parse(token);
        } catch (ParseException e) {
            Log.debugf("single-sign-on token refused: %s", reason(e));
            return Authentication.refused(Authentication.Refusal.INVALID);
        }
        String subject = jwt.getSubject();
        if (subject == null || subject.isBlank()) {
            return Authentication.refused(Authentication.Refusal.INVALID);
        }
        String tenant = config.oidc().tenant()
                .orElseGet(() -> claim(jwt, config.oidc().tenantClaim()).stream().findFirst().orElse(null));
        if (tenant == null || !TenantEntity.ID.matcher(tenant).matches()) {
            return Authentication.refused(Authentication.Refusal.NO_GRANT);
        }
        Optional<TenantState> state = tenant(tenant);
        if (state.isEmpty()) {
            return Authentication.refused(Authentication.Refusal.NO_GRANT);
        }
        // A member's role, as the tenant's admins granted it, else the one the provider's claims grant.
        Optional<Role> role = member(tenant, subject).or(() -> claim(jwt, config.oidc().roleClaim()).stream()
                .map(grants::get).filter(r -> r != null).max(Role::compareTo));
        if (role.isEmpty()) {
            return Authentication.refused(Authentication.Refusal.NO_GRANT);
        }
        if (state.get().disabled()) {
            return Authentication.refused(Authentication.Refusal.TENANT_DISABLED);
        }
        RateLimit limit = state.get().rateLimit();
        Quota quota = state.get().quota();
        return Authentication.of(new Caller(tenant, state.get().cachePool(), subject, role.get(), null,
                limit == null ? List.of() : List.of(limit), quota == null ? List.of() : List.of(quota)));
    }

    /**
     * Why a token was refused, as jose4j's error codes (1 expired, 8 audience, 9 signature, 12 issuer, 17 unreadable;
     * see {@code org.jose4j.jwt.consumer.ErrorCodes}): its messages quote the token, a credential that must not be
     * logged.
     */
    private static String reason(ParseException e) {
        if (e.getCause() instanceof InvalidJwtException invalid) {
            return "jose4j error codes " + invalid.getErrorDetails().stream().map(d -> d.getErrorCode()).toList();
        }
        return e.getCause() == null ? "unreadable" : e.getCause().getClass().getSimpleName();
    }

    private Optional<Role> member(String tenant, String subject) {
        try {
            return members.role(tenant, subject);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the members of " + tenant + ": " + e.getMessage(), e);
        }
    }

    /** What is known of the tenant, read again after {@code easel.auth.key-cache-ttl} as keys are. */
    private Optional<TenantState> tenant(String id) {
        Optional<Optional<TenantState>> known = tenants.fresh(id);
        if (known.isPresent()) {
            return known.get();
        }
        Optional<TenantState> state = QuarkusTransaction.requiringNew().call(() ->
                TenantEntity.<TenantEntity>findByIdOptional(id)
                        .map(t -> new TenantState(t.effectiveCachePool(), t.disabledAt != null, t.rateLimit(),
                                t.quota())));
        return tenants.remember(id, state);
    }

    /** The string values of a claim: a string, an array of strings, reached through nested objects by a dotted path. */
    static List<String> claim(JsonWebToken jwt, String path) {
        String[] names = path.split("\\.");
        Object value = jwt.getClaim(names[0]);
        for (int i = 1; i < names.length && value != null; i++) {
            value = value instanceof JsonObject object ? object.get(names[i]) : null;
        }
        List<String> values = new ArrayList<>();
        switch (value) {
            case null -> {
            }
            case String s -> values.add(s);
            case JsonString s -> values.add(s.getString());
            case JsonArray array -> array.stream().filter(v -> v.getValueType() == JsonValue.ValueType.STRING)
                    .forEach(v -> values.add(((JsonString) v).getString()));
            case Collection<?> collection -> collection.forEach(v -> values.add(String.valueOf(v)));
            default -> {
            }
        }
        return values;
    }
}
