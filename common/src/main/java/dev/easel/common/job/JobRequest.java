package dev.easel.common.job;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@code POST /v1/jobs} body as the client sent it, every field nullable: null means absent, or present
 * with the wrong JSON type (the parser reports that as a violation).
 */
public record JobRequest(
        String kind,
        String model,
        String prompt,
        String negativePrompt,
        Integer width,
        Integer height,
        Integer steps,
        Double guidanceScale,
        String scheduler,
        Long seed,
        Integer numImages,
        String image,
        String mask,
        Double strength,
        String inpaintArea,
        Integer maskPadding,
        Integer maskBlur,
        Outpaint outpaint,
        Integer startDeadlineSeconds,
        String cache,
        ObjectNode metadata) {

    /** The raw {@code outpaint} object; a missing side is null. */
    public record Outpaint(Integer left, Integer right, Integer top, Integer bottom) {
    }
}
