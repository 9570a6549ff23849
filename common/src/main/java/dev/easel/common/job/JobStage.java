package dev.easel.common.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** The step of the pipeline a running job is in, reported with progress. */
public enum JobStage {
    ENCODING,
    DENOISING,
    DECODING,
    UPLOADING;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<JobStage> fromWire(String value) {
        for (JobStage stage : values()) {
            if (stage.wireName().equals(value)) {
                return Optional.of(stage);
            }
        }
        return Optional.empty();
    }

    @JsonCreator
    static JobStage ofWire(String value) {
        return fromWire(value).orElseThrow(() -> new IllegalArgumentException("unknown job stage: " + value));
    }
}
