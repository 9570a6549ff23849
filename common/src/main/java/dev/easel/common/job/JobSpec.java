package dev.easel.common.job;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A validated job request with every default filled in and the seed chosen: what workers run, what the cache
 * key is computed from, and what a job returns as its {@code input}.
 *
 * <p>For the image kinds, {@code width × height} is the output size: the input canvas (the image, or for
 * outpaint the image plus its extents) is resized to it. Fields that do not apply to the kind are null:
 * {@code image} for text-to-image, {@code strength} outside image-to-image and inpaint, {@code mask},
 * {@code inpaintArea}, {@code maskPadding} and {@code maskBlur} outside inpaint, {@code outpaint} outside
 * outpaint. {@code startDeadlineSeconds} is null when the client set no deadline.
 */
public record JobSpec(
        JobKind kind,
        String model,
        String prompt,
        String negativePrompt,
        int width,
        int height,
        int steps,
        double guidanceScale,
        Scheduler scheduler,
        long seed,
        int numImages,
        ImageRef image,
        ImageRef mask,
        Double strength,
        InpaintArea inpaintArea,
        Integer maskPadding,
        Integer maskBlur,
        OutpaintExtents outpaint,
        Integer startDeadlineSeconds,
        CacheMode cache,
        ObjectNode metadata) {

    public JobSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(negativePrompt, "negativePrompt");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(cache, "cache");
        if (kind.takesImage() != (image != null)) {
            throw new IllegalArgumentException(kind.wireName() + (kind.takesImage() ? " needs" : " takes no") + " image");
        }
        if ((kind == JobKind.INPAINT) != (mask != null)) {
            throw new IllegalArgumentException("a mask belongs to inpaint jobs only");
        }
        if ((kind == JobKind.OUTPAINT) != (outpaint != null)) {
            throw new IllegalArgumentException("outpaint extents belong to outpaint jobs only");
        }
        // Metadata is a mutable tree; the copy keeps this value immutable.
        metadata = metadata == null ? JsonNodeFactory.instance.objectNode() : metadata.deepCopy();
    }

    @Override
    public ObjectNode metadata() {
        return metadata.deepCopy();
    }

    /**
     * The same spec with other image references, e.g. once the gateway has moved inline data URLs to uploads
     * so that the Kafka message and the job row stay small.
     */
    public JobSpec withImages(ImageRef newImage, ImageRef newMask) {
        return new JobSpec(kind, model, prompt, negativePrompt, width, height, steps, guidanceScale, scheduler,
                seed, numImages, newImage, newMask, strength, inpaintArea, maskPadding, maskBlur, outpaint,
                startDeadlineSeconds, cache, metadata);
    }
}
