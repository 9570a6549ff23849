package dev.easel.gateway.audit;

import dev.easel.common.json.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * One API call as the call log records it (docs/api.md, "Call log"). Never the credentials: only the id of the
 * key that was presented.
 *
 * @param at when the call arrived, to the microsecond
 * @param tenant the caller's tenant, {@link Call#NO_TENANT} when the call was refused before one was known
 * @param keyId the API key's id (also of a key that was refused), null for single sign-on or no key
 * @param principal who called: the API key id, or the single-sign-on token's subject
 * @param route the route template ({@code /v1/jobs/{id}}), or the path as sent when no route matched
 * @param jobId the job the call created or named, if any
 * @param status the HTTP status answered; 499 when the client left before the answer
 * @param errorCode the problem's {@code code} of a refused call
 * @param latencyUs from the request's arrival to the end of the answer, in microseconds
 * @param requestId the client's {@code X-Request-Id}, or one the gateway made (and answered with)
 * @param traceId the W3C trace id of the client's {@code traceparent}, if it sent one
 */
public record CallEntry(Instant at, String tenant, String keyId, String principal, String role, String method,
                        String route, UUID jobId, int status, String errorCode, long latencyUs, String clientAddress,
                        String userAgent, String requestId, String traceId) {

    /** The entry as it waits in {@code call_log_inbox}. */
    String json() {
        return new String(JsonCodec.encode(this), StandardCharsets.UTF_8);
    }

    static CallEntry fromJson(String json) {
        return JsonCodec.decode(json.getBytes(StandardCharsets.UTF_8), CallEntry.class);
    }
}
