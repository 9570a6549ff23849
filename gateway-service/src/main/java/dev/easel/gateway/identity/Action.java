package dev.easel.gateway.identity;

/** What a caller asks to do, with the least role that may do it within its own tenant. */
public enum Action {
    READ_JOBS(Role.VIEWER),
    READ_MODELS(Role.VIEWER),
    READ_USAGE(Role.VIEWER),
    SUBMIT_JOB(Role.MEMBER),
    UPLOAD_IMAGE(Role.MEMBER),
    /** A member cancels only the jobs it submitted; an admin any of its tenant's ({@link AccessPolicy#cancel}). */
    CANCEL_JOB(Role.MEMBER),
    READ_TENANT(Role.ADMIN),
    MANAGE_KEYS(Role.ADMIN),
    /** Granting single-sign-on subjects a role in the tenant. */
    MANAGE_MEMBERS(Role.ADMIN),
    /** Reading, exporting and verifying the tenant's call log. */
    READ_CALL_LOG(Role.ADMIN),
    /** Creating and changing tenants, and reading all of them, is cluster-wide. */
    MANAGE_TENANTS(Role.OPERATOR);

    private final Role least;

    Action(Role least) {
        this.least = least;
    }

    public Role least() {
        return least;
    }
}
