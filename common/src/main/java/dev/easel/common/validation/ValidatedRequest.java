package dev.easel.common.validation;

import dev.easel.common.job.JobSpec;
import java.util.Objects;

/**
 * A valid job request and the facts validation established on the way, so that nothing has to be looked up
 * twice: the version of the model that will run it, whether the client chose the seed, and the inspected
 * input images ({@code null} when the kind takes none).
 */
public record ValidatedRequest(JobSpec spec, String modelVersion, boolean seedPinned, ImageInfo image, ImageInfo mask) {

    public ValidatedRequest {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(modelVersion, "modelVersion");
        if ((spec.image() != null) != (image != null) || (spec.mask() != null) != (mask != null)) {
            throw new IllegalArgumentException("image facts must be given exactly for the images the spec has");
        }
    }

    /** SHA-256 of the input image, or null. */
    public String imageSha256() {
        return image == null ? null : image.sha256();
    }

    /** SHA-256 of the mask, or null. */
    public String maskSha256() {
        return mask == null ? null : mask.sha256();
    }
}
