package dev.easel.gateway.identity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
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

    /** The key's own rate limit, if an admin set one; null otherwise. */
    public RateLimit rateLimit() {
        return allowance().rateLimit("key");
    }

    /** The key's own quota, if an admin set one; null otherwise. */
    public Quota quota() {
        return allowance().quota("key");
    }

    public Role keyRole() {
        return Role.fromWire(role).orElseThrow(() -> new IllegalStateException("key " + id + " has unknown role " + role));
    }
}
