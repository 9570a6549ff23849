package dev.easel.common.event;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Objects;

/** One generated image as stored: its storage keys, size and the seed that produced it. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResultImage(int index, String key, String thumbnailKey, int width, int height, long seed,
                          String contentType) {

    public ResultImage {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(contentType, "contentType");
    }
}
