package dev.easel.common.event;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Objects;

/** Why a job failed: a stable code, a human message, and whether trying again could help. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobError(String code, String message, boolean retryable) {

    public JobError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    /**
     * An error whose message comes from elsewhere (an exception of a native library, a remote service): a NUL
     * character in it, which a PostgreSQL {@code text} or {@code jsonb} value cannot hold, becomes U+FFFD, so that
     * the gateway can store the failure instead of setting the event aside.
     */
    public static JobError reported(String code, String message, boolean retryable) {
        return new JobError(code, message.replace('\0', '\uFFFD'), retryable);
    }
}
