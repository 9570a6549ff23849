package dev.easel.worker.job;

import dev.easel.common.job.JobStage;
import dev.easel.engine.pipeline.ProgressListener;
import io.micrometer.core.instrument.Timer;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Which of the engine's progress calls for one run become events on its {@link ProgressLane}. Stage changes go out
 * at once; steps at most every {@code progress-interval}, the last step always. A step's event carries a preview at
 * most once per {@code preview-interval} of denoising, never on the last step (the decoded image follows it), and
 * not while the previous preview is still on its way. Events cost the gateway and the broker a write each and a
 * preview costs an S3 PUT, while the engine offers both at every step. Every step's time is recorded.
 */
final class ProgressThrottle implements ProgressListener {

    private final ProgressLane lane;
    private final long progressIntervalNanos;
    private final long previewIntervalNanos;
    private final Timer stepTime;
    private long lastProgressNanos;
    private long lastStepNanos = System.nanoTime();
    private long lastPreviewNanos = lastStepNanos;

    ProgressThrottle(ProgressLane lane, Duration progressInterval, Duration previewInterval, Timer stepTime) {
        this.lane = lane;
        this.progressIntervalNanos = progressInterval.toNanos();
        this.previewIntervalNanos = previewInterval.toNanos();
        this.stepTime = stepTime;
    }

    @Override
    public void stage(JobStage stage) {
        lane.progress(stage, 0, 0, null);
        lastStepNanos = System.nanoTime();
        if (stage == JobStage.DENOISING) {
            lastPreviewNanos = lastStepNanos;
        }
    }

    @Override
    public void step(int step, int steps, Supplier<BufferedImage> preview) {
        long now = System.nanoTime();
        stepTime.record(Duration.ofNanos(now - lastStepNanos));
        lastStepNanos = now;
        if (now - lastProgressNanos < progressIntervalNanos && step < steps) {
            return;
        }
        lastProgressNanos = now;
        boolean previewDue = preview != null && step < steps && now - lastPreviewNanos >= previewIntervalNanos;
        if (lane.progress(JobStage.DENOISING, step, steps, previewDue ? preview : null)) {
            lastPreviewNanos = now;
        }
    }
}
