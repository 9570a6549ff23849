package dev.easel.gateway.identity;

import java.util.List;
import java.util.Objects;

/**
 * Who is calling, as authentication established it: the tenant the call acts for, the principal (an API key id,
 * or a single-sign-on subject) and its role. Every read and write of the API is decided for a caller by
 * {@link AccessPolicy}.
 *
 * @param cachePool the result-cache pool the tenant's jobs share results in: the tenant itself unless an operator
 *     put it into a shared pool
 * @param keyId the API key the call came with, or null (single sign-on, or authentication switched off)
 * @param rateLimits the request-rate limits the call counts against: its tenant's and its key's, where set
 * @param quotas the quotas its jobs count against: its tenant's and its key's, where set
 */
public record Caller(String tenant, String cachePool, String principal, Role role, String keyId,
                     List<RateLimit> rateLimits, List<Quota> quotas) {

    public Caller {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(cachePool, "cachePool");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(role, "role");
        rateLimits = List.copyOf(rateLimits);
        quotas = List.copyOf(quotas);
    }

    /** A caller no rate limit or quota applies to. */
    public Caller(String tenant, String cachePool, String principal, Role role, String keyId) {
        this(tenant, cachePool, principal, role, keyId, List.of(), List.of());
    }

    /** Whether this caller acts across every tenant. */
    public boolean clusterWide() {
        return role == Role.OPERATOR;
    }
}
