package dev.easel.common.model;

import dev.easel.common.job.JobKind;
import dev.easel.common.job.Scheduler;
import java.util.Objects;
import java.util.Set;

/** What one model can do and its defaults: the facts request validation checks against. */
public record ModelLimits(
        String id,
        String version,
        int defaultWidth,
        int defaultHeight,
        int maxWidth,
        int maxHeight,
        int pixelStride,
        int defaultSteps,
        double defaultGuidanceScale,
        Scheduler defaultScheduler,
        Set<Scheduler> schedulers,
        Set<JobKind> kinds) {

    /** The pixel stride of latent-diffusion VAEs that downsample by 8. */
    public static final int DEFAULT_PIXEL_STRIDE = 8;

    public ModelLimits {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(defaultScheduler, "defaultScheduler");
        schedulers = Set.copyOf(schedulers);
        kinds = Set.copyOf(kinds);
        if (pixelStride < 1) {
            throw new IllegalArgumentException("pixelStride must be positive");
        }
        requireSide("default width", defaultWidth, maxWidth, pixelStride);
        requireSide("default height", defaultHeight, maxHeight, pixelStride);
        if (defaultSteps < 1) {
            throw new IllegalArgumentException("defaultSteps must be positive");
        }
        if (!Double.isFinite(defaultGuidanceScale) || defaultGuidanceScale < 0) {
            throw new IllegalArgumentException("defaultGuidanceScale must be a finite non-negative number");
        }
        if (!schedulers.contains(defaultScheduler)) {
            throw new IllegalArgumentException("defaultScheduler must be one of schedulers");
        }
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("a model must support at least one job kind");
        }
    }

    private static void requireSide(String name, int value, int max, int stride) {
        if (value < stride || value > max || value % stride != 0) {
            throw new IllegalArgumentException(name + " must be a multiple of " + stride + " up to its maximum " + max);
        }
    }

    public long maxPixels() {
        return (long) maxWidth * maxHeight;
    }
}
