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
}
