package dev.easel.gateway.identity;

import java.util.Objects;

/**
 * What checking a credential found: the caller it authenticates, or why it does not. A refusal says no more than
 * the client needs: a key whose secret does not match is {@link Refusal#INVALID} exactly as one that does not
 * exist; only the holder of a matching secret learns that it expired or was revoked.
 */
public record Authentication(Caller caller, Refusal refusal) {

    /** Why a credential was refused. */
    public enum Refusal {
        /** No {@code Authorization: Bearer} credential. */
        MISSING,
        /** Not a credential the gateway knows: malformed, unknown, or its secret does not match. */
        INVALID,
        EXPIRED,
        REVOKED,
        /** A valid credential of a tenant an operator disabled. */
        TENANT_DISABLED,
        /** A valid single-sign-on token that names no tenant Easel knows, or maps to no role. */
        NO_GRANT
    }

    public Authentication {
        if ((caller == null) == (refusal == null)) {
            throw new IllegalArgumentException("either a caller or a refusal");
        }
    }

    public static Authentication of(Caller caller) {
        return new Authentication(Objects.requireNonNull(caller), null);
    }

    public static Authentication refused(Refusal refusal) {
        return new Authentication(null, Objects.requireNonNull(refusal));
    }

    public boolean authenticated() {
        return caller != null;
    }
}
