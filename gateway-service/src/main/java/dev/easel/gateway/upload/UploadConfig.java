package dev.easel.gateway.upload;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits on input images, whether uploaded or inline in a job request. */
@ConfigMapping(prefix = "easel.uploads")
public interface UploadConfig {

    /** Largest accepted image file in bytes. */
    @WithDefault("10485760")
    long maxBytes();

    /** Largest accepted pixel count, read from the header before anything is decoded. */
    @WithDefault("16777216")
    long maxPixels();
}
