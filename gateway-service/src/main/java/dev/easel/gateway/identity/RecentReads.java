package dev.easel.gateway.identity;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a gateway read from the database about keys or tenants, trusted for a while ({@code easel.auth.key-cache-ttl})
 * and then read again, so that a change on any replica reaches every other within that long. At most
 * {@value #MAX_ENTRIES} ids are kept; beyond that the memory starts over.
 */
final class RecentReads<V> {

    private static final int MAX_ENTRIES = 10_000;

    private record Entry<V>(V value, long readAtNanos) {
    }

    private final Duration trustFor;
    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();

    RecentReads(Duration trustFor) {
        this.trustFor = trustFor;
    }

    /** The value read for {@code id}, if it is recent enough to trust. */
    Optional<V> fresh(String id) {
        Entry<V> entry = entries.get(id);
        if (entry == null || System.nanoTime() - entry.readAtNanos() > trustFor.toNanos()) {
            return Optional.empty();
        }
        return Optional.of(entry.value());
    }

    /** Remembers a value just read; returns it. */
    V remember(String id, V value) {
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(id, new Entry<>(value, System.nanoTime()));
        return value;
    }

    void forget(String id) {
        entries.remove(id);
    }

    void forgetAll() {
        entries.clear();
    }
}
