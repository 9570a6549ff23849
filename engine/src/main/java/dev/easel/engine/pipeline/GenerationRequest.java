package dev.easel.engine.pipeline;

import dev.easel.common.job.InpaintArea;
import dev.easel.common.job.JobKind;
import dev.easel.common.job.JobSpec;
import dev.easel.common.job.OutpaintExtents;
import dev.easel.common.job.Scheduler;
import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * What the engine generates: a job's normalised spec with its input images already decoded. For the
 * image kinds {@code width × height} is the output size; the input canvas (for outpaint the image grown
 * by {@code outpaint}) is resized to it.
 */
public record GenerationRequest(JobKind kind, String prompt, String negativePrompt, int width, int height, int steps,
                                double guidanceScale, Scheduler scheduler, long seed, int numImages,
                                BufferedImage image, BufferedImage mask, double strength, InpaintArea inpaintArea,
                                int maskPadding, int maskBlur, OutpaintExtents outpaint) {

    /** Feathering of the seam between kept and generated pixels when outpainting. */
    public static final int OUTPAINT_BLUR = 4;

    public GenerationRequest {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(negativePrompt, "negativePrompt");
        Objects.requireNonNull(scheduler, "scheduler");
    }

    /** The request for {@code spec}, with its {@code image} and {@code mask} decoded by the caller (null when absent). */
    public static GenerationRequest of(JobSpec spec, BufferedImage image, BufferedImage mask) {
        return new GenerationRequest(spec.kind(), spec.prompt(), spec.negativePrompt(), spec.width(), spec.height(),
                spec.steps(), spec.guidanceScale(), spec.scheduler(), spec.seed(), spec.numImages(), image, mask,
                spec.strength() == null ? 1.0 : spec.strength(),
                spec.inpaintArea() == null ? InpaintArea.FULL : spec.inpaintArea(),
                spec.maskPadding() == null ? 32 : spec.maskPadding(),
                spec.maskBlur() == null ? OUTPAINT_BLUR : spec.maskBlur(), spec.outpaint());
    }

    /** A text-to-image request. */
    public static GenerationRequest textToImage(String prompt, String negativePrompt, int width, int height, int steps,
                                                double guidanceScale, Scheduler scheduler, long seed, int numImages) {
        return new GenerationRequest(JobKind.TEXT_TO_IMAGE, prompt, negativePrompt, width, height, steps, guidanceScale,
                scheduler, seed, numImages, null, null, 1.0, InpaintArea.FULL, 32, OUTPAINT_BLUR, null);
    }

    /** Whether classifier-free guidance runs (an unconditional pass per step); off at scale ≤ 1. */
    public boolean guided() {
        return guidanceScale > 1.0;
    }
}
