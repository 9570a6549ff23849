package dev.easel.gateway.identity;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Authenticates API keys. What a gateway read about a key (its tenant, role, hash, expiry, revocation) is trusted
 * for {@code easel.auth.key-cache-ttl} and then read again, so a revocation on any replica reaches every other
 * within that long, and a busy key costs one database read per interval, not one per request. Unknown ids are
 * remembered as unknown for as long ({@link RecentReads}; at most 10,000 ids are kept; beyond that the memory starts
 * over). Last-used times are collected in memory and written every {@code easel.auth.last-used-interval}.
 */
@ApplicationScoped
public class KeyDirectory {

    /** What authenticating a key needs, from its row and its tenant's. */
    public record StoredKey(String id, String tenant, String cachePool, Role role, byte[] secretHash,
                            Instant expiresAt, Instant revokedAt, boolean tenantDisabled, List<RateLimit> rateLimits,
                            List<Quota> quotas) {
    }

    private final AuthConfig config;
    private final KeyHasher hasher;
    private final RecentReads<Optional<StoredKey>> entries;
    private final Map<String, Instant> used = new ConcurrentHashMap<>();
    private ScheduledExecutorService flusher;

    KeyDirectory(AuthConfig config) {
        this.config = config;
        this.entries = new RecentReads<>(config.keyCacheTtl());
        // Without a pepper nothing can be authenticated; AuthStartup refuses to start so while auth is on.
        this.hasher = config.pepper().map(KeyHasher::new).orElse(null);
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        long interval = Math.max(1, config.lastUsedInterval().toMillis());
        flusher = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("key-last-used").daemon().unstarted(r));
        flusher.scheduleWithFixedDelay(this::flushLastUsed, interval, interval, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (flusher != null) {
            flusher.shutdown();
            flushLastUsed();
        }
    }

    public KeyHasher hasher() {
        if (hasher == null) {
            throw new IllegalStateException("easel.auth.pepper is not set");
        }
        return hasher;
    }

    /** What this gateway knows of the key id and may still trust, without a database read. */
    public Optional<Optional<StoredKey>> cached(String id) {
        return entries.fresh(id);
    }

    /** Blocks: reads the key and its tenant, and remembers them. */
    public Optional<StoredKey> read(String id) {
        Optional<StoredKey> key = QuarkusTransaction.requiringNew().call(() -> {
            ApiKeyEntity row = ApiKeyEntity.findById(id);
            if (row == null) {
                return Optional.<StoredKey>empty();
            }
            TenantEntity tenant = TenantEntity.findById(row.tenantId);
            List<RateLimit> limits = Stream.of(tenant.rateLimit(), row.rateLimit()).filter(Objects::nonNull).toList();
            List<Quota> quotas = Stream.of(tenant.quota(), row.quota()).filter(Objects::nonNull).toList();
            return Optional.of(new StoredKey(row.id, row.tenantId, tenant.effectiveCachePool(), row.keyRole(),
                    row.secretHash, row.expiresAt, row.revokedAt, tenant.disabledAt != null, limits, quotas));
        });
        return entries.remember(id, key);
    }

    /** Forgets what this gateway read about a key, e.g. after it revoked it. */
    public void forget(String id) {
        entries.forget(id);
    }

    /** Forgets every key, e.g. after a tenant was disabled. */
    public void forgetAll() {
        entries.forgetAll();
    }

    /** Checks the token against what is stored for its id; notes the key as used when it authenticates. */
    public Authentication authenticate(ApiKeyToken token, Optional<StoredKey> stored, Instant now) {
        if (stored.isEmpty() || !hasher().matches(token, stored.get().secretHash())) {
            return Authentication.refused(Authentication.Refusal.INVALID);
        }
        StoredKey key = stored.get();
        if (key.revokedAt() != null) {
            return Authentication.refused(Authentication.Refusal.REVOKED);
        }
        if (key.expiresAt() != null && !now.isBefore(key.expiresAt())) {
            return Authentication.refused(Authentication.Refusal.EXPIRED);
        }
        if (key.tenantDisabled()) {
            return Authentication.refused(Authentication.Refusal.TENANT_DISABLED);
        }
        used.put(key.id(), now);
        return Authentication.of(new Caller(key.tenant(), key.cachePool(), key.id(), key.role(), key.id(),
                key.rateLimits(), key.quotas()));
    }

    private void flushLastUsed() {
        if (used.isEmpty()) {
            return;
        }
        Map<String, Instant> batch = Map.copyOf(used);
        batch.forEach((id, at) -> used.remove(id, at));
        try {
            QuarkusTransaction.requiringNew().run(() -> batch.forEach((id, at) -> ApiKeyEntity.update(
                    "lastUsedAt = ?1 where id = ?2 and (lastUsedAt is null or lastUsedAt < ?1)", at, id)));
        } catch (RuntimeException e) {
            // Last-used is informational; the next interval writes newer times.
            Log.warnf("cannot record when %d API keys were last used: %s", batch.size(), e.getMessage());
        }
    }
}
