package dev.easel.gateway.identity;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Authentication and API keys (docs/configuration.md, "Identity"). */
@ConfigMapping(prefix = "easel.auth")
public interface AuthConfig {

    /**
     * Whether callers must authenticate. Off, every call acts as an operator of the tenant {@code public}, and the
     * gateway says so in a warning at every start: for a gateway nobody but its developer reaches.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * The server-side secret key secrets are hashed under (at least 32 bytes); required while authentication is
     * on. Changing it invalidates every key.
     */
    Optional<String> pepper();

    /**
     * A whole API key ({@code easel_sk_<id>_<secret>}) that becomes an operator key of
     * {@link #bootstrapTenant()} at start if no key with its id exists: how the first operator gets in. A key
     * revoked since stays revoked.
     */
    Optional<String> bootstrapKey();

    /** The tenant the bootstrap key belongs to, created with it. */
    @WithDefault("operators")
    String bootstrapTenant();

    /**
     * How long a gateway trusts what it read about a key (revoked, expired, its role) before reading it again:
     * a revocation reaches every replica within this long.
     */
    @WithDefault("1s")
    Duration keyCacheTtl();

    /** How often the keys' last-used times are written (they are kept in memory in between). */
    @WithDefault("30s")
    Duration lastUsedInterval();

    /** Single sign-on: bearer JWTs of an OIDC provider, verified as {@code mp.jwt.verify.*} says. */
    Oidc oidc();

    /** How a verified token's claims become a tenant and a role. */
    interface Oidc {

        /** Whether bearer tokens other than API keys are taken as JWTs of the configured provider. */
        @WithDefault("false")
        boolean enabled();

        /** One tenant every token acts for; unset: the tenant is read from {@link #tenantClaim()}. */
        Optional<String> tenant();

        /** The claim holding the tenant id (a dotted path reaches into nested claims). */
        @WithDefault("easel_tenant")
        String tenantClaim();

        /** The claim holding the caller's groups or roles (a string or an array; a dotted path reaches into nested claims). */
        @WithDefault("groups")
        String roleClaim();

        /**
         * Which value of the role claim grants which role ({@code viewer}, {@code member}, {@code admin},
         * {@code operator}); the highest granted counts. A token granted none is refused: nothing is granted by
         * default.
         */
        Map<String, String> roles();
    }
}
