package dev.easel.gateway.identity;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/**
 * What a tenant or an API key is allowed: its request-rate limit and its quotas, in the same columns of
 * {@code tenants} and {@code api_keys}. A null column is no bound.
 */
@Embeddable
public class Allowance {

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

    /** The rate limit, named for the headers ({@code tenant}, {@code key}), or null. */
    RateLimit rateLimit(String name) {
        return RateLimit.of(name, ratePerSecond, rateBurst);
    }

    /** Sets the rate limit (null: none). */
    void rateLimit(RateLimit limit) {
        ratePerSecond = limit == null ? null : limit.perSecond();
        rateBurst = limit == null ? null : limit.burst();
    }

    /** The quota, for whose jobs it counts ({@code tenant}, {@code key}), or null. */
    Quota quota(String scope) {
        return Quota.of(scope, maxActiveJobs, maxImagesPerDay, maxImagesPerMonth);
    }

    /** Sets the quota (null: none). */
    void quota(Quota quota) {
        maxActiveJobs = quota == null ? null : quota.activeJobs();
        maxImagesPerDay = quota == null ? null : quota.imagesPerDay();
        maxImagesPerMonth = quota == null ? null : quota.imagesPerMonth();
    }
}
