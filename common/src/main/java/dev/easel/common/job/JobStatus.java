package dev.easel.common.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** Where a job is in its lifecycle; {@link JobTransitions} says which moves are legal. */
public enum JobStatus {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELED,
    /** The start deadline passed before any worker started the job: it never ran and is never billed. */
    EXPIRED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isTerminal() {
        return switch (this) {
            case QUEUED, RUNNING -> false;
            case SUCCEEDED, FAILED, CANCELED, EXPIRED -> true;
        };
    }

    public static Optional<JobStatus> fromWire(String value) {
        for (JobStatus status : values()) {
            if (status.wireName().equals(value)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }

    @JsonCreator
    static JobStatus ofWire(String value) {
        return fromWire(value).orElseThrow(() -> new IllegalArgumentException("unknown job status: " + value));
    }
}
