package dev.easel.gateway.identity;

/**
 * The one place that decides whether a caller may do something to something. A resource of another tenant is
 * {@link Decision#HIDDEN} (answered as if it did not exist, so that ids cannot be probed) unless the caller is an
 * operator; within what it sees, a role below the action's least role is {@link Decision#FORBIDDEN}.
 */
public final class AccessPolicy {

    /** The answer: allowed, forbidden (403), or hidden (404). */
    public enum Decision {
        ALLOWED, FORBIDDEN, HIDDEN
    }

    private AccessPolicy() {
    }

    /** An action on the caller's own tenant (submit, upload, list its jobs, read models). */
    public static Decision decide(Caller caller, Action action) {
        return decide(caller, action, caller.tenant());
    }

    /** An action on something that belongs to {@code tenant}. */
    public static Decision decide(Caller caller, Action action, String tenant) {
        if (!sees(caller, tenant)) {
            return Decision.HIDDEN;
        }
        return caller.role().atLeast(action.least()) ? Decision.ALLOWED : Decision.FORBIDDEN;
    }

    /** Whether anything of {@code tenant} exists for this caller. */
    public static boolean sees(Caller caller, String tenant) {
        return caller.clusterWide() || caller.tenant().equals(tenant);
    }

    /** Canceling a job of {@code tenant} submitted by {@code owner}: members cancel only their own. */
    public static Decision cancel(Caller caller, String tenant, String owner) {
        Decision decision = decide(caller, Action.CANCEL_JOB, tenant);
        if (decision == Decision.ALLOWED && caller.role() == Role.MEMBER && !caller.principal().equals(owner)) {
            return Decision.FORBIDDEN;
        }
        return decision;
    }

    /**
     * Creating or revoking a key of {@code role} in {@code tenant}: an admin manages its own tenant's keys, but
     * never a key above its own role (an admin cannot mint or revoke an operator key).
     */
    public static Decision manageKey(Caller caller, String tenant, Role role) {
        return grant(caller, Action.MANAGE_KEYS, tenant, role);
    }

    /** Granting a single-sign-on subject {@code role} in {@code tenant}, or removing it: never above the caller's. */
    public static Decision manageMember(Caller caller, String tenant, Role role) {
        return grant(caller, Action.MANAGE_MEMBERS, tenant, role);
    }

    private static Decision grant(Caller caller, Action action, String tenant, Role role) {
        Decision decision = decide(caller, action, tenant);
        if (decision == Decision.ALLOWED && !caller.role().atLeast(role)) {
            return Decision.FORBIDDEN;
        }
        return decision;
    }
}
