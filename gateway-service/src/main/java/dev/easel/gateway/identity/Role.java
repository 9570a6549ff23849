package dev.easel.gateway.identity;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * A permission level, from least to most: each role may do what the ones before it may. {@link AccessPolicy}
 * decides what each may do; docs/api.md has the matrix.
 */
public enum Role {
    /** Reads its tenant's jobs and the models. */
    VIEWER,
    /** Also submits jobs, uploads images and cancels its own jobs. */
    MEMBER,
    /** Also cancels any job of its tenant and manages its tenant's keys. */
    ADMIN,
    /** Cluster-wide: every tenant, tenants themselves. */
    OPERATOR;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> fromWire(String name) {
        return Arrays.stream(values()).filter(r -> r.wireName().equals(name)).findFirst();
    }

    public boolean atLeast(Role other) {
        return compareTo(other) >= 0;
    }
}
