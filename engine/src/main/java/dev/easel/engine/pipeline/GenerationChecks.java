package dev.easel.engine.pipeline;

import dev.easel.common.job.JobKind;
import dev.easel.common.model.ModelLimits;
import dev.easel.common.validation.JobRequestValidator;
import dev.easel.engine.InvalidInputException;
import dev.easel.engine.model.DiffusionModel;
import dev.easel.engine.scheduler.Schedulers;

/**
 * What the engine checks of a request before it spends anything on it, whatever checked it before: the model's
 * kinds, samplers and sizes, and the contract's ranges ({@link JobRequestValidator}'s limits), so that a request
 * that reaches a worker some other way (a replayed record, the command line) cannot ask for more.
 */
final class GenerationChecks {

    private GenerationChecks() {
    }

    /** @throws InvalidInputException naming the first field the model cannot run as given */
    static void check(GenerationRequest request, DiffusionModel model) {
        ModelLimits limits = model.pkg().limits();
        if (!limits.kinds().contains(request.kind())) {
            throw new InvalidInputException("unsupported_kind", "kind", limits.id() + " does not serve " + request.kind().wireName());
        }
        if (!limits.schedulers().contains(request.scheduler()) || !Schedulers.supports(request.scheduler(), model.pkg().schedulerConfig())) {
            throw new InvalidInputException("unsupported_scheduler", "scheduler",
                    limits.id() + " cannot sample with " + request.scheduler().wireName() + " (supports " + limits.schedulers() + ")");
        }
        size("width", request.width(), limits.maxWidth(), limits.pixelStride());
        size("height", request.height(), limits.maxHeight(), limits.pixelStride());
        if (request.steps() < JobRequestValidator.MIN_STEPS || request.steps() > JobRequestValidator.MAX_STEPS) {
            throw new InvalidInputException("out_of_range", "steps", "steps must be " + JobRequestValidator.MIN_STEPS
                    + "–" + JobRequestValidator.MAX_STEPS);
        }
        if (!Double.isFinite(request.guidanceScale()) || request.guidanceScale() < 0
                || request.guidanceScale() > JobRequestValidator.MAX_GUIDANCE_SCALE) {
            throw new InvalidInputException("out_of_range", "guidance_scale", "guidance_scale must be 0–"
                    + JobRequestValidator.MAX_GUIDANCE_SCALE);
        }
        if (request.numImages() < 1 || request.numImages() > JobRequestValidator.MAX_NUM_IMAGES) {
            throw new InvalidInputException("out_of_range", "num_images", "num_images must be 1–"
                    + JobRequestValidator.MAX_NUM_IMAGES);
        }
        if (request.kind() != JobKind.TEXT_TO_IMAGE && request.image() == null) {
            throw new InvalidInputException("required", "image", request.kind().wireName() + " needs an input image");
        }
        if (request.strength() < 0 || request.strength() > 1 || Double.isNaN(request.strength())) {
            throw new InvalidInputException("out_of_range", "strength", "strength must be 0–1");
        }
        if (request.kind() == JobKind.INPAINT) {
            if (request.mask() == null) {
                throw new InvalidInputException("required", "mask", "inpaint needs a mask");
            }
            if (request.mask().getWidth() != request.image().getWidth() || request.mask().getHeight() != request.image().getHeight()) {
                throw new InvalidInputException("mask_mismatch", "mask", "mask is " + request.mask().getWidth() + "×" + request.mask().getHeight()
                        + " but the image is " + request.image().getWidth() + "×" + request.image().getHeight());
            }
        }
        if (request.kind() == JobKind.OUTPAINT) {
            var e = request.outpaint();
            if (e == null || e.left() + e.right() + e.top() + e.bottom() == 0) {
                throw new InvalidInputException("required", "outpaint", "outpaint needs at least one non-zero extent");
            }
        }
    }

    private static void size(String field, int value, int max, int stride) {
        if (value % stride != 0) {
            throw new InvalidInputException("not_multiple_of_stride", field, field + " " + value + " is not a multiple of " + stride);
        }
        if (value < stride || value > max) {
            throw new InvalidInputException("out_of_range", field, field + " " + value + " is outside " + stride + "–" + max);
        }
    }
}
