package dev.easel.engine.pipeline;

import dev.easel.common.job.JobStage;
import java.awt.image.BufferedImage;
import java.util.function.Supplier;

/**
 * Receives a generation's progress. A step's {@code preview} renders a cheap approximation of the first image only
 * when called; it holds its own copy of that step's state, so it may be called later and from any thread, off the
 * denoising thread.
 */
public interface ProgressListener {

    ProgressListener NONE = new ProgressListener() {
        @Override
        public void stage(JobStage stage) {
        }

        @Override
        public void step(int step, int steps, Supplier<BufferedImage> preview) {
        }
    };

    void stage(JobStage stage);

    /** Called after each denoising step ({@code step} counts from 1 to {@code steps}). */
    void step(int step, int steps, Supplier<BufferedImage> preview);
}
