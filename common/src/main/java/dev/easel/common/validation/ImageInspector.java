package dev.easel.common.validation;

import dev.easel.common.job.ImageRef;

/** Resolves an image reference and reads its header; the gateway plugs in one that also knows uploads. */
@FunctionalInterface
public interface ImageInspector {

    /**
     * @throws ImageRejectedException with {@code image_invalid} or {@code image_too_large} when the image
     *     cannot be used
     */
    ImageInfo inspect(ImageRef ref);
}
