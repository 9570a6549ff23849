package dev.easel.gateway.identity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.regex.Pattern;

/** A tenant row: an organisation or project that owns jobs, uploads, results and keys. */
@Entity
@Table(name = "tenants")
public class TenantEntity extends PanacheEntityBase {

    /** Tenant ids (and cache pools) become storage-key segments and cache-key fields: a short lower-case slug. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    @Id
    public String id;

    public String name;

    @Column(name = "cache_pool")
    public String cachePool;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "disabled_at")
    public Instant disabledAt;

    /** Its rate limit and quotas; Hibernate leaves it null when all its columns are. */
    @Embedded
    public Allowance allowance;

    /** Its rate limit and quotas, to read or change. */
    public Allowance allowance() {
        if (allowance == null) {
            allowance = new Allowance();
        }
        return allowance;
    }

    /** The tenant's own rate limit, if an operator set one; null otherwise. */
    public RateLimit rateLimit() {
        return allowance().rateLimit("tenant");
    }

    /** The tenant's own quota, if an operator set one; null otherwise. */
    public Quota quota() {
        return allowance().quota("tenant");
    }

    /** The pool the tenant's results are cached in: its own unless an operator shares one. */
    public String effectiveCachePool() {
        return cachePool == null ? id : cachePool;
    }
}
