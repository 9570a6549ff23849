package dev.easel.gateway.rest;

import dev.easel.gateway.identity.ApiKeyToken;
import dev.easel.gateway.identity.AuthConfig;
import dev.easel.gateway.identity.Authentication;
import dev.easel.gateway.identity.Caller;
import dev.easel.gateway.identity.KeyDirectory;
import dev.easel.gateway.identity.Role;
import dev.easel.gateway.identity.SingleSignOn;
import dev.easel.gateway.limits.RateLimiter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.logging.Log;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Authenticates every request before anything else reads it: {@code Authorization: Bearer <API key>}, or a
 * single-sign-on JWT when {@code easel.auth.oidc.enabled} ({@link SingleSignOn}), on every path but the few public
 * ones (health probes, metrics, the OpenAPI document), then counts it against the caller's rate limits
 * ({@link RateLimits}). Denies by default: a path the gateway does not serve is refused like any other without
 * credentials, so routes cannot be probed. A refused request gets 401 {@code unauthorized} with
 * {@code WWW-Authenticate} (RFC 6750), 403 {@code tenant_disabled} / {@code forbidden}, or 429
 * {@code rate_limited}; its body is never read into memory. The caller goes to the endpoint in the routing context
 * ({@link Callers}).
 *
 * <p>A route filter rather than a Quarkus {@code HttpAuthenticationMechanism}: filters run before the gateway
 * reads bodies ({@link BodyPrefetchFilter}), so an unauthenticated client cannot make it buffer 32 MiB.
 */
@ApplicationScoped
public class AuthenticationFilter {

    // Before BodyLimitFilter (100) and BodyPrefetchFilter (90): nothing of an unauthenticated request is read.
    private static final int PRIORITY = 110;
    // Health and metrics answer on the management port, which this filter does not guard.
    private static final Set<String> PUBLIC_PATHS = Set.of("/q/openapi");
    // RFC 6750 b64token after the scheme; the scheme is case-insensitive.
    private static final Pattern BEARER = Pattern.compile("(?i:bearer) +([A-Za-z0-9._~+/-]+=*) *");
    private static final String REALM = "Bearer realm=\"easel\"";
    private static final Caller ANONYMOUS = new Caller("public", "public", "anonymous", Role.OPERATOR, null);

    private KeyDirectory directory;
    private SingleSignOn sso;
    private RateLimits limits;
    private ConcurrencyLimit concurrency;
    private long drainLimit;

    void register(@Observes Filters filters, AuthConfig config, KeyDirectory directory, SingleSignOn sso,
                  RateLimiter limiter, ApiConfig api) {
        if (!config.enabled()) {
            filters.register(context -> {
                Callers.establish(context, ANONYMOUS);
                context.next();
            }, PRIORITY);
            return;
        }
        this.directory = directory;
        this.sso = sso;
        this.drainLimit = api.maxBodyBytes();
        this.limits = new RateLimits(limiter, drainLimit);
        this.concurrency = new ConcurrencyLimit(api.maxConcurrentPerCaller(), drainLimit);
        filters.register(this::authenticate, PRIORITY);
    }

    /** Whether the path is served to anyone on the API port: the OpenAPI document. */
    static boolean isPublic(String normalizedPath) {
        return PUBLIC_PATHS.contains(normalizedPath);
    }

    private void authenticate(RoutingContext context) {
        if (isPublic(context.normalizedPath())) {
            context.next();
            return;
        }
        List<String> headers = context.request().headers().getAll(HttpHeaderNames.AUTHORIZATION);
        if (headers.isEmpty()) {
            refuse(context, Authentication.Refusal.MISSING);
            return;
        }
        Optional<String> credential = headers.size() == 1 ? bearer(headers.getFirst()) : Optional.empty();
        if (credential.isEmpty()) {
            refuse(context, Authentication.Refusal.INVALID);
            return;
        }
        if (!credential.get().startsWith(ApiKeyToken.PREFIX) && sso.enabled()) {
            checkBlocking(context, () -> sso.authenticate(credential.get()), "a single-sign-on token");
            return;
        }
        Optional<ApiKeyToken> token = ApiKeyToken.parse(credential.get());
        if (token.isEmpty()) {
            refuse(context, Authentication.Refusal.INVALID);
            return;
        }
        CallLogFilter.presentedKey(context, token.get().id());
        Optional<Optional<KeyDirectory.StoredKey>> cached = directory.cached(token.get().id());
        if (cached.isPresent()) {
            finish(context, directory.authenticate(token.get(), cached.get(), Instant.now()));
            return;
        }
        checkBlocking(context, () -> directory.authenticate(token.get(), directory.read(token.get().id()),
                Instant.now()), "API key " + token.get());
    }

    private static Optional<String> bearer(String header) {
        Matcher m = BEARER.matcher(header);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** Authenticates on a worker thread (a database read, the provider's keys) and goes on on the event loop. */
    private void checkBlocking(RoutingContext context, Callable<Authentication> check, String what) {
        context.vertx().executeBlocking(check, false).onComplete(checked -> {
            if (checked.failed()) {
                Log.warnf("cannot check %s: %s", what, checked.cause().getMessage());
                context.response().putHeader(HttpHeaderNames.RETRY_AFTER, "5");
                EarlyAnswer.send(context, Problem.of(503, "database_unavailable", "Service Unavailable",
                        "credentials cannot be checked now; retry later", context.request().path(), List.of()),
                        drainLimit);
                return;
            }
            finish(context, checked.result());
        });
    }

    private void finish(RoutingContext context, Authentication authentication) {
        if (!authentication.authenticated()) {
            refuse(context, authentication.refusal());
            return;
        }
        Caller caller = authentication.caller();
        Callers.establish(context, caller);
        if (!concurrency.admit(context, caller)) {
            return;
        }
        if (caller.rateLimits().isEmpty()) {
            context.next();
            return;
        }
        limits.check(context, caller);
    }

    private void refuse(RoutingContext context, Authentication.Refusal refusal) {
        HttpServerRequest request = context.request();
        if (refusal == Authentication.Refusal.TENANT_DISABLED) {
            EarlyAnswer.send(context, Problem.of(403, "tenant_disabled", "Forbidden",
                    "the credentials' tenant is disabled", request.path(), List.of()), drainLimit);
            return;
        }
        if (refusal == Authentication.Refusal.NO_GRANT) {
            EarlyAnswer.send(context, Problem.of(403, "forbidden", "Forbidden", "the token names no tenant of this "
                    + "service or grants no role in it (easel.auth.oidc.*)", request.path(), List.of()), drainLimit);
            return;
        }
        String detail = switch (refusal) {
            case MISSING -> "this API needs an API key: send Authorization: Bearer <key>";
            case EXPIRED -> "the API key has expired";
            case REVOKED -> "the API key has been revoked";
            default -> "the credentials are not valid";
        };
        context.response().putHeader(HttpHeaderNames.WWW_AUTHENTICATE, refusal == Authentication.Refusal.MISSING
                ? REALM : REALM + ", error=\"invalid_token\", error_description=\"" + detail + "\"");
        EarlyAnswer.send(context, Problem.of(401, "unauthorized", "Unauthorized", detail, request.path(), List.of()),
                drainLimit);
    }
}
