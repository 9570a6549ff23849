package dev.easel.gateway.identity;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * At start: refuses to run with authentication on and no pepper, says loudly when authentication is off, and
 * stores the bootstrap operator key ({@code easel.auth.bootstrap-key}) with its tenant if they are not there yet.
 */
@ApplicationScoped
public class AuthStartup {

    void start(@Observes StartupEvent event, AuthConfig config, Tenants tenants, ApiKeys keys) {
        if (!config.enabled()) {
            Log.warn("AUTHENTICATION IS OFF (easel.auth.enabled=false): anyone who reaches this gateway acts as an "
                    + "operator of tenant 'public' and can read, cancel and submit every job. Never run it so where "
                    + "anyone but its developer can reach it.");
            return;
        }
        if (config.pepper().isEmpty()) {
            throw new IllegalStateException("easel.auth.pepper (EASEL_AUTH_PEPPER) is not set: API keys are hashed "
                    + "under it. Set it to a secret of at least " + KeyHasher.MIN_PEPPER_BYTES + " bytes, e.g. the "
                    + "output of `openssl rand -base64 48`, or switch authentication off for local development "
                    + "with easel.auth.enabled=false");
        }
        new KeyHasher(config.pepper().get()); // fails the start when the pepper is too short
        if (config.oidc().enabled()) {
            SingleSignOn.grants(config.oidc().roles()); // fails the start on a role that does not exist
            if (config.oidc().roles().isEmpty()) {
                Log.warn("single sign-on is on but easel.auth.oidc.roles maps no claim value to a role: every token "
                        + "is refused");
            }
        }
        if (config.bootstrapKey().isPresent()) {
            ApiKeyToken token = ApiKeyToken.parse(config.bootstrapKey().get().strip()).orElseThrow(() ->
                    new IllegalStateException("easel.auth.bootstrap-key is not an Easel API key (easel_sk_ followed "
                            + "by 16 characters of a-z0-9, '_' and 43 characters of base64url)"));
            String tenant = config.bootstrapTenant();
            if (!TenantEntity.ID.matcher(tenant).matches()) {
                throw new IllegalStateException("easel.auth.bootstrap-tenant must be a tenant id (a-z, 0-9, '-'): " + tenant);
            }
            if (tenants.find(tenant).isEmpty()) {
                try {
                    tenants.create(tenant, "Operators", null);
                } catch (TenantExistsException e) {
                    // Another replica created it meanwhile.
                }
            }
            if (keys.createIfAbsent(token, tenant, Role.OPERATOR, "bootstrap")) {
                Log.infof("stored the bootstrap operator key %s of tenant %s", token, tenant);
            }
        }
    }
}
