package dev.easel.common.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** Whether inpainting diffuses the whole canvas or only the mask's padded bounding box. */
public enum InpaintArea {
    FULL,
    MASKED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<InpaintArea> fromWire(String value) {
        for (InpaintArea area : values()) {
            if (area.wireName().equals(value)) {
                return Optional.of(area);
            }
        }
        return Optional.empty();
    }

    @JsonCreator
    static InpaintArea ofWire(String value) {
        return fromWire(value).orElseThrow(() -> new IllegalArgumentException("unknown inpaint area: " + value));
    }
}
