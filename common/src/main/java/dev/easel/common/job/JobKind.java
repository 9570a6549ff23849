package dev.easel.common.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/** What a job generates from: a prompt alone, or a prompt plus an input image. */
public enum JobKind {
    TEXT_TO_IMAGE("text-to-image"),
    IMAGE_TO_IMAGE("image-to-image"),
    INPAINT("inpaint"),
    OUTPAINT("outpaint");

    private final String wireName;

    JobKind(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** Whether this kind needs an input {@code image}. */
    public boolean takesImage() {
        return this != TEXT_TO_IMAGE;
    }

    public static Optional<JobKind> fromWire(String value) {
        for (JobKind kind : values()) {
            if (kind.wireName.equals(value)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    @JsonCreator
    static JobKind ofWire(String value) {
        return fromWire(value).orElseThrow(() -> new IllegalArgumentException("unknown job kind: " + value));
    }
}
