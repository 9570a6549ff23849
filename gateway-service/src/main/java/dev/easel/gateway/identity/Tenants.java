package dev.easel.gateway.identity;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/** Creates, reads and changes tenants. Blocks: the database. */
@ApplicationScoped
public class Tenants {

    private final KeyDirectory directory;

    Tenants(KeyDirectory directory) {
        this.directory = directory;
    }

    /** @throws TenantExistsException when the id is taken */
    public TenantEntity create(String id, String name, String cachePool) {
        return QuarkusTransaction.requiringNew().call(() -> {
            int inserted = TenantEntity.getEntityManager().createNativeQuery(
                            "INSERT INTO tenants (id, name, cache_pool, created_at) VALUES (?1, ?2, ?3, ?4) "
                                    + "ON CONFLICT (id) DO NOTHING")
                    .setParameter(1, id).setParameter(2, name).setParameter(3, cachePool)
                    .setParameter(4, Instant.now().truncatedTo(ChronoUnit.MICROS)).executeUpdate();
            if (inserted == 0) {
                throw new TenantExistsException(id);
            }
            return TenantEntity.<TenantEntity>findById(id);
        });
    }

    public Optional<TenantEntity> find(String id) {
        return QuarkusTransaction.requiringNew().call(() -> TenantEntity.<TenantEntity>findByIdOptional(id));
    }

    /** Every tenant, in id order. */
    public List<TenantEntity> list() {
        return QuarkusTransaction.requiringNew().call(() -> TenantEntity.<TenantEntity>list("order by id"));
    }

    /**
     * Changes what is given (null leaves it): the name, the cache pool ({@code ""} returns the tenant to its own),
     * whether it is disabled (its keys are then refused on every replica within the key cache's time), and, when
     * {@code setRateLimit}, its rate limit, and when {@code setQuota}, its quota (null: none).
     */
    public Optional<TenantEntity> update(String id, String name, String cachePool, Boolean disabled,
                                         boolean setRateLimit, RateLimit rateLimit, boolean setQuota, Quota quota) {
        Optional<TenantEntity> updated = QuarkusTransaction.requiringNew().call(() -> {
            TenantEntity tenant = TenantEntity.findById(id, LockModeType.PESSIMISTIC_WRITE);
            if (tenant == null) {
                return Optional.<TenantEntity>empty();
            }
            if (name != null) {
                tenant.name = name;
            }
            if (cachePool != null) {
                tenant.cachePool = cachePool.isEmpty() ? null : cachePool;
            }
            if (setQuota) {
                tenant.allowance().quota(quota);
            }
            if (setRateLimit) {
                tenant.allowance().rateLimit(rateLimit);
            }
            if (disabled != null) {
                tenant.disabledAt = !disabled ? null
                        : tenant.disabledAt != null ? tenant.disabledAt : Instant.now().truncatedTo(ChronoUnit.MICROS);
            }
            return Optional.of(tenant);
        });
        // The tenant's keys carry its cache pool and whether it is disabled.
        directory.forgetAll();
        return updated;
    }
}
