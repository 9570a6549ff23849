package dev.easel.gateway.identity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An API key row: everything about a key but its secret, of which only a hash is kept ({@link KeyHasher}). */
@Entity
@Table(name = "api_keys")
public class ApiKeyEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "tenant_id")
    public String tenantId;

    public String name;

    public String role;

    @Column(name = "secret_hash")
    public byte[] secretHash;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "last_used_at")
    public Instant lastUsedAt;

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

    /** The quota set on this key, or null. */
    public Quota quota() {
        return Quota.of("key", maxActiveJobs, maxImagesPerDay, maxImagesPerMonth);
    }

    /** Sets the quota (null: none). */
    public void quota(Quota quota) {
        maxActiveJobs = quota == null ? null : quota.activeJobs();
        maxImagesPerDay = quota == null ? null : quota.imagesPerDay();
        maxImagesPerMonth = quota == null ? null : quota.imagesPerMonth();
    }

    /** The key's own rate limit, if an admin set one. */
    public RateLimit rateLimit() {
        return RateLimit.of("key", ratePerSecond, rateBurst);
    }

    public Role keyRole() {
        return Role.fromWire(role).orElseThrow(() -> new IllegalStateException("key " + id + " has unknown role " + role));
    }
}
