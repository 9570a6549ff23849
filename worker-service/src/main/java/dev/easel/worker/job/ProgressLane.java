package dev.easel.worker.job;

import dev.easel.common.event.JobEvent;
import dev.easel.common.job.JobStage;
import java.awt.image.BufferedImage;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The way one run's events leave, in {@code seq} order. Progress events queue on the lane, a thread of the run's
 * own, and leave from it without waiting for the broker; a preview is rendered, encoded and stored on the lane
 * before the event that names it, so none of that work falls on the denoising thread. A status event first waits
 * for the lane to drain and for the broker's acknowledgement of {@code started}, then for its own: the gateway
 * never sees a job's status run ahead of its progress, nor a terminal event before {@code started}.
 *
 * <p>Events are queued from the run's thread only (the engine reports progress on the thread that generates).
 */
final class ProgressLane implements AutoCloseable {

    /** Stores a running job's preview; answers its key, or null when it was not stored (progress goes on without one). */
    @FunctionalInterface
    interface Previews {
        String store(Supplier<BufferedImage> preview);
    }

    private final EventPublisher events;
    private final String jobId;
    private final int attempt;
    private final String workerId;
    private final Previews previews;
    private final ExecutorService lane = Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());
    private final AtomicBoolean previewInFlight = new AtomicBoolean();
    private long seq;
    private EventPublisher.Sent started;

    ProgressLane(EventPublisher events, String jobId, int attempt, String workerId, Previews previews) {
        this.events = events;
        this.jobId = jobId;
        this.attempt = attempt;
        this.workerId = workerId;
        this.previews = previews;
    }

    /** The seq of the run's next event: a status event takes its own here, progress events take theirs when queued. */
    long nextSeq() {
        return seq++;
    }

    /** Sends {@code started} without waiting for the broker, so the engine starts at once; the next status event waits. */
    void start(Instant at) {
        started = events.sendAsync(new JobEvent.Started(jobId, attempt, seq++, workerId, at));
    }

    /**
     * Queues a progress event. A preview, when given and no earlier one is still on its way, is rendered and stored
     * on the lane first and named in the event; otherwise the event goes without one.
     *
     * @return whether the event takes the preview
     */
    boolean progress(JobStage stage, int step, int steps, Supplier<BufferedImage> preview) {
        boolean withPreview = preview != null && previewInFlight.compareAndSet(false, true);
        long eventSeq = seq++;
        Instant at = Instant.now();
        lane.execute(() -> events.publishProgress(new JobEvent.Progress(jobId, attempt, eventSeq, workerId, at, stage,
                step, steps, withPreview ? storePreview(preview) : null)));
        return withPreview;
    }

    private String storePreview(Supplier<BufferedImage> preview) {
        try {
            return previews.store(preview);
        } finally {
            previewInFlight.set(false);
        }
    }

    /**
     * Publishes a status event, acknowledged by the broker, after every progress event queued before it, once the
     * broker has acknowledged {@code started}.
     *
     * @throws TransientJobException when the broker does not acknowledge {@code started} or this event in time
     */
    void publish(JobEvent event) {
        try {
            lane.submit(() -> { }).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("progress lane failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientJobException("interrupted", "interrupted while publishing " + event, e);
        }
        if (started != null) {
            events.confirm(started);
            started = null;
        }
        events.publish(event);
    }

    /** Ends the lane once the progress events queued on it have left; the run is over. */
    @Override
    public void close() {
        lane.shutdown();
    }
}
