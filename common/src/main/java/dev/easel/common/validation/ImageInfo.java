package dev.easel.common.validation;

import java.util.Objects;

/** What validation needs to know about an input image: its size, its real format and its content hash. */
public record ImageInfo(int width, int height, String mediaType, String sha256) {

    public ImageInfo {
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(sha256, "sha256");
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image dimensions must be positive");
        }
    }
}
