package dev.easel.gateway.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The call being served, filled in as the request makes its way (who called, which route, which job, which
 * refusal) and turned into its {@link CallEntry} when the answer ends. An accepted submit's entry is written with
 * its job instead ({@link #entryWithJob}), which marks the call {@link #logged()}.
 */
public final class Call {

    /** The tenant of calls refused before a tenant was known; no tenant id can take this value. */
    public static final String NO_TENANT = "-";

    private final Instant at;
    private final long startNanos;
    private final String method;
    private final String path;
    private final String clientAddress;
    private final String userAgent;
    private final String requestId;
    private final String traceId;
    private volatile String tenant = NO_TENANT;
    private volatile String keyId;
    private volatile String principal;
    private volatile String role;
    private volatile String route;
    private volatile UUID jobId;
    private volatile String errorCode;
    private volatile boolean logged;

    public Call(long startNanos, String method, String path, String clientAddress, String userAgent,
                String requestId, String traceId) {
        this.at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        this.startNanos = startNanos;
        this.method = method;
        this.path = path;
        this.clientAddress = clientAddress;
        this.userAgent = userAgent;
        this.requestId = requestId;
        this.traceId = traceId;
    }

    /** The authenticated caller. */
    public void caller(String tenant, String keyId, String principal, String role) {
        this.tenant = tenant;
        this.keyId = keyId;
        this.principal = principal;
        this.role = role;
    }

    /** The id of the API key a refused call presented. */
    public void presentedKey(String keyId) {
        this.keyId = keyId;
    }

    public void route(String template) {
        this.route = template;
    }

    public void job(UUID id) {
        this.jobId = id;
    }

    public void errorCode(String code) {
        this.errorCode = code;
    }

    public String tenant() {
        return tenant;
    }

    public String requestId() {
        return requestId;
    }

    /** Whether the entry is already written (with the job this call submitted). */
    public boolean logged() {
        return logged;
    }

    /** The entry for the answer given: its status, and the time from arrival until {@code endNanos}. */
    public CallEntry entry(int status, long endNanos) {
        return new CallEntry(at, tenant, keyId, principal, role, method, route == null ? path : route, jobId, status,
                errorCode, Math.max(0, (endNanos - startNanos) / 1_000), clientAddress, userAgent, requestId, traceId);
    }

    /**
     * The entry of a submit that created this job, as JSON for {@code call_log_inbox}, to be written in the same
     * statement as the job: a crash after the answer cannot lose it. Its status is the one the job is accepted
     * with (202 queued, 200 a cached result) and its latency runs until now, since the answer comes after the
     * commit.
     */
    public String entryWithJob(UUID job, int status) {
        this.jobId = job;
        return entry(status, System.nanoTime()).json();
    }

    /** Marks the entry written with the job; the gateway then does not record the call again. */
    public void loggedWithJob() {
        this.logged = true;
    }
}
