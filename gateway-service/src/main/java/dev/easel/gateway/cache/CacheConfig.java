package dev.easel.gateway.cache;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The result cache in front of the queue (docs/api.md, Caching). */
@ConfigMapping(prefix = "easel.cache")
public interface CacheConfig {

    /** Off: every job runs, nothing is looked up, stored or coalesced. */
    @WithDefault("true")
    boolean enabled();

    /** Prefix of every cache key in Redis; deployments sharing one Redis use different namespaces. */
    @WithDefault("easel")
    String namespace();

    /** How long a result stays reusable after it was stored. */
    @WithDefault("24h")
    Duration ttl();

    /** Most results kept; beyond it the least recently used leave first. */
    @WithDefault("100000")
    int maxEntries();

    /** How long an identical request may attach to a job in flight; after it a new request runs again. */
    @WithDefault("1h")
    Duration inflightTtl();

    /** Check with object storage that a cached result's images still exist before answering with them. */
    @WithDefault("true")
    boolean verifyObjects();

    /**
     * How long a gateway trusts its own last check of an entry's objects: within it a hit skips the HEAD requests
     * (two per image, the larger part of a hit's time); 0 checks on every hit.
     */
    @WithDefault("30s")
    Duration verifyInterval();

    /** How long a coalescing request waits for the job it attaches to to become visible in the database. */
    @WithDefault("1s")
    Duration leaderWait();
}
