package dev.easel.gateway.rest;

import dev.easel.gateway.identity.AccessPolicy;
import dev.easel.gateway.identity.Action;
import dev.easel.gateway.identity.Caller;
import java.util.function.Supplier;

/** Turns {@link AccessPolicy}'s decisions into answers: 403 {@code forbidden}, or the caller's own 404. */
final class Guard {

    private Guard() {
    }

    /**
     * Returns when the decision allows; otherwise throws 403 {@code forbidden}, or what {@code hidden} supplies
     * (the 404 the endpoint gives for something that does not exist).
     */
    static void require(AccessPolicy.Decision decision, Caller caller, String what, Supplier<RuntimeException> hidden) {
        switch (decision) {
            case ALLOWED -> {
            }
            case HIDDEN -> throw hidden.get();
            case FORBIDDEN -> throw new ApiException(403, "forbidden", "Forbidden",
                    "a key with role " + caller.role().wireName() + " may not " + what);
        }
    }

    /**
     * The tenant a request names ({@code ?tenant=}), or the caller's own when it names none, once the caller may do
     * {@code action} there; another tenant it may not see answers 404, as if it did not exist.
     */
    static String tenant(Caller caller, String named, Action action, String what) {
        String tenant = named == null || named.isEmpty() ? caller.tenant() : named;
        require(AccessPolicy.decide(caller, action, tenant), caller, what, () -> ApiException.notFound("tenant " + tenant));
        return tenant;
    }

    /** For actions on the caller's own tenant, which are never hidden. */
    static void require(AccessPolicy.Decision decision, Caller caller, String what) {
        require(decision, caller, what, () -> new IllegalStateException("an action on the caller's own tenant was hidden"));
    }
}
