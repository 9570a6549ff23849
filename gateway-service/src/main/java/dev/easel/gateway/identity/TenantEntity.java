package dev.easel.gateway.identity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
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

    /** The request rate of the token bucket; null with {@link #rateBurst}: no limit. */
    @Column(name = "rate_per_second")
    public Double ratePerSecond;

    @Column(name = "rate_burst")
    public Integer rateBurst;

    @Column(name = "max_active_jobs")
    public Integer maxActiveJobs;

    @Column(name = "max_images_per_day")
    public Integer maxImagesPerDay;

    @Column(name = "max_images_per_month")
    public Integer maxImagesPerMonth;

    /** The quota set on this tenant, or null. */
    public Quota quota() {
        return Quota.of("tenant", maxActiveJobs, maxImagesPerDay, maxImagesPerMonth);
    }

    /** Sets the quota (null: none). */
    public void quota(Quota quota) {
        maxActiveJobs = quota == null ? null : quota.activeJobs();
        maxImagesPerDay = quota == null ? null : quota.imagesPerDay();
        maxImagesPerMonth = quota == null ? null : quota.imagesPerMonth();
    }

    /** The tenant's own rate limit, if an operator set one. */
    public RateLimit rateLimit() {
        return RateLimit.of("tenant", ratePerSecond, rateBurst);
    }

    /** The pool the tenant's results are cached in: its own unless an operator shares one. */
    public String effectiveCachePool() {
        return cachePool == null ? id : cachePool;
    }
}
