package dev.easel.gateway.identity;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/** Creates, lists and revokes API keys. Blocks: the database. */
@ApplicationScoped
public class ApiKeys {

    /** A key just created: its row, and the whole key, which is shown this once and never again. */
    public record Created(ApiKeyEntity key, ApiKeyToken token) {
    }

    private final KeyDirectory directory;

    ApiKeys(KeyDirectory directory) {
        this.directory = directory;
    }

    /**
     * A new key of the tenant.
     *
     * @param createdBy the principal that created it
     */
    public Created create(String tenant, String name, Role role, Instant expiresAt, RateLimit rateLimit,
                          Quota quota, String createdBy) {
        ApiKeyToken token = ApiKeyToken.mint();
        ApiKeyEntity key = new ApiKeyEntity();
        key.id = token.id();
        key.tenantId = tenant;
        key.name = name;
        key.role = role.wireName();
        key.secretHash = directory.hasher().hash(token);
        key.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        key.createdBy = createdBy;
        key.expiresAt = expiresAt;
        key.allowance().rateLimit(rateLimit);
        key.allowance().quota(quota);
        QuarkusTransaction.requiringNew().run(key::persist);
        return new Created(key, token);
    }

    /** Stores a key given from outside (the bootstrap key) unless a key with its id exists, revoked or not. */
    public boolean createIfAbsent(ApiKeyToken token, String tenant, Role role, String name) {
        return QuarkusTransaction.requiringNew().call(() -> ApiKeyEntity.getEntityManager().createNativeQuery(
                        "INSERT INTO api_keys (id, tenant_id, name, role, secret_hash, created_at, created_by) "
                                + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'bootstrap') ON CONFLICT (id) DO NOTHING")
                .setParameter(1, token.id()).setParameter(2, tenant).setParameter(3, name)
                .setParameter(4, role.wireName()).setParameter(5, directory.hasher().hash(token))
                .setParameter(6, Instant.now().truncatedTo(ChronoUnit.MICROS)).executeUpdate() == 1);
    }

    /**
     * Changes what is given: the name (null leaves it), and when {@code setRateLimit} / {@code setQuota}, the rate
     * limit / the quota (null: none).
     */
    public Optional<ApiKeyEntity> update(String tenant, String id, String name, boolean setRateLimit,
                                         RateLimit rateLimit, boolean setQuota, Quota quota) {
        Optional<ApiKeyEntity> updated = QuarkusTransaction.requiringNew().call(() -> {
            ApiKeyEntity key = ApiKeyEntity.findById(id, LockModeType.PESSIMISTIC_WRITE);
            if (key == null || !key.tenantId.equals(tenant)) {
                return Optional.<ApiKeyEntity>empty();
            }
            if (name != null) {
                key.name = name;
            }
            if (setQuota) {
                key.allowance().quota(quota);
            }
            if (setRateLimit) {
                key.allowance().rateLimit(rateLimit);
            }
            return Optional.of(key);
        });
        directory.forget(id);
        return updated;
    }

    /** The tenant's keys, newest first, revoked ones included. */
    public List<ApiKeyEntity> list(String tenant) {
        return QuarkusTransaction.requiringNew().call(() ->
                ApiKeyEntity.<ApiKeyEntity>list("tenantId = ?1 order by createdAt desc, id", tenant));
    }

    public Optional<ApiKeyEntity> find(String tenant, String id) {
        return QuarkusTransaction.requiringNew().call(() -> ApiKeyEntity.<ApiKeyEntity>findByIdOptional(id)
                .filter(key -> key.tenantId.equals(tenant)));
    }

    /**
     * Revokes the key (again is a no-op that keeps the first time). This gateway refuses it at once; every other
     * within {@code easel.auth.key-cache-ttl}.
     */
    public Optional<ApiKeyEntity> revoke(String tenant, String id) {
        Optional<ApiKeyEntity> revoked = QuarkusTransaction.requiringNew().call(() -> {
            ApiKeyEntity key = ApiKeyEntity.findById(id, LockModeType.PESSIMISTIC_WRITE);
            if (key == null || !key.tenantId.equals(tenant)) {
                return Optional.<ApiKeyEntity>empty();
            }
            if (key.revokedAt == null) {
                key.revokedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            }
            return Optional.of(key);
        });
        directory.forget(id);
        return revoked;
    }
}
