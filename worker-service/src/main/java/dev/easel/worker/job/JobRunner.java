package dev.easel.worker.job;

import dev.easel.common.event.DeadLetter;
import dev.easel.common.event.JobError;
import dev.easel.common.event.JobEvent;
import dev.easel.common.event.JobMetrics;
import dev.easel.common.event.JobRequested;
import dev.easel.common.event.ResultImage;
import dev.easel.common.event.ReusedResult;
import dev.easel.common.job.ImageRef;
import dev.easel.common.job.JobSpec;
import dev.easel.common.job.JobStage;
import dev.easel.common.storage.StorageKeys;
import dev.easel.common.trace.TraceParent;
import dev.easel.platform.storage.SideBySide;
import dev.easel.engine.EngineException;
import dev.easel.engine.GenerationCanceledException;
import dev.easel.engine.Timings;
import dev.easel.engine.image.ImageCodec;
import dev.easel.engine.image.PngParameters;
import dev.easel.engine.pipeline.Generation;
import dev.easel.engine.pipeline.GenerationRequest;
import dev.easel.engine.pipeline.Pipeline;
import dev.easel.engine.pipeline.ProgressListener;
import dev.easel.worker.WorkerConfig;
import dev.easel.worker.cache.SimilarResults;
import dev.easel.worker.model.ModelHost;
import dev.easel.worker.storage.ResultStore;
import dev.easel.worker.storage.StorageUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jboss.logging.MDC;

/**
 * Runs one delivery of one job: checks the cancel flag and start deadline, generates with the engine while
 * publishing progress, stores the images, publishes the outcome, and says how to settle the record.
 */
@ApplicationScoped
public class JobRunner {

    /** The logging context key that holds the running job's id and trace id. */
    public static final String LOG_CONTEXT = "job";

    private static final int THUMBNAIL_SIDE = 256;
    private static final int PREVIEW_SIDE = 256;

    private final EventPublisher events;
    private final ResultStore store;
    private final SimilarResults similarResults;
    private final CancelSignal cancels;
    private final ModelHost models;
    private final WorkerConfig config;
    private final MeterRegistry registry;
    private final Timer queueWait;
    private final Timer stepTime;
    // Result uploads run side by side (every image and its thumbnail).
    private final SideBySide uploads = new SideBySide();

    JobRunner(EventPublisher events, ResultStore store, SimilarResults similarResults, CancelSignal cancels,
              ModelHost models, WorkerConfig config, MeterRegistry registry) {
        this.events = events;
        this.store = store;
        this.similarResults = similarResults;
        this.cancels = cancels;
        this.models = models;
        this.config = config;
        this.registry = registry;
        this.queueWait = Timer.builder("easel_worker_queue_wait_seconds").description("Submit to start of a job")
                .register(registry);
        this.stepTime = Timer.builder("easel_worker_step_seconds").description("One denoising step")
                .publishPercentileHistogram().register(registry);
    }

    @PreDestroy
    void close() {
        uploads.close();
    }

    /** The record's context: who runs it, which delivery this is, and when to give it back unfinished. */
    public record Delivery(String workerId, int deliveryCount, Map<String, String> headers, BooleanSupplier stopRequested) {
    }

    /** Runs the job on this worker's model and says how to settle its record. */
    public RunOutcome run(JobRequested job, Delivery delivery) {
        Run run = new Run(job, delivery);
        // Every log line of the run names the job and its trace (the log format prints %X{job}).
        MDC.put(LOG_CONTEXT, "job=" + job.jobId() + " trace="
                + TraceParent.parse(delivery.headers().get(TraceParent.HEADER)).map(TraceParent::traceId).orElse("-") + " ");
        try {
            return run.execute();
        } catch (TransientJobException e) {
            return run.transientFailure(e.code(), e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            // An engine bug, an unexpected provider error, a native library that failed to link, memory that ran
            // out for one large batch: the next attempt may run on another worker, and the last one dead-letters
            // the job instead of leaving it unfinished.
            return run.transientFailure("internal_error", e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        } finally {
            run.progressLane.shutdown();
            MDC.remove(LOG_CONTEXT);
        }
    }

    private final class Run {
        private final JobRequested job;
        private final Delivery delivery;
        private final String id;
        private final int attempt;
        private long seq;
        private long lastProgressNanos;
        private final long startNanos = System.nanoTime();
        // Progress events leave in seq order through one lane; a preview is stored on it before its event.
        private final ExecutorService progressLane = Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());
        private final AtomicBoolean previewInFlight = new AtomicBoolean();
        private EventPublisher.Sent started;

        Run(JobRequested job, Delivery delivery) {
            this.job = job;
            this.delivery = delivery;
            this.id = job.jobId();
            this.attempt = delivery.deliveryCount();
        }

        RunOutcome execute() {
            Instant now = Instant.now();
            if (cancels.isCanceled(id)) {
                publish(new JobEvent.Canceled(id, attempt, seq++, delivery.workerId(), now));
                return count("canceled", RunOutcome.ACCEPT);
            }
            // Only the first delivery is judged against the start deadline. A later one may follow a start (the
            // job is running for its clients, and running -> expired is no transition), and one that follows no
            // start has been expired by the gateway's own sweep, whose cancel flag the check above finds.
            if (attempt == 1 && job.expiredAt(now)) {
                publish(new JobEvent.Expired(id, attempt, seq++, delivery.workerId(), now));
                Log.infof("job %s: start deadline passed before it started", id);
                return count("expired", RunOutcome.ACCEPT);
            }
            // Empty only once the model is closed at shutdown, after the slots have drained.
            Pipeline pipeline = models.pipeline().orElseThrow(() -> new TransientJobException("model_unavailable",
                    "this worker's model is not loaded", null));
            String served = pipeline.model().pkg().limits().id();
            if (!served.equals(job.spec().model())) {
                // Another worker of the group may serve it; if none does, the delivery limit dead-letters it.
                throw new TransientJobException("model_unavailable", "this worker serves " + served + ", not "
                        + job.spec().model(), null);
            }
            // The engine starts without waiting for the broker's acknowledgement; the next status event waits for it.
            started = events.sendAsync(new JobEvent.Started(id, attempt, seq++, delivery.workerId(), now));
            long queueMs = Math.max(0, Duration.between(job.submittedAt(), now).toMillis());
            queueWait.record(Duration.ofMillis(queueMs));
            Log.infof("job %s: started attempt %d (%s)", id, attempt, job.spec().kind().wireName());
            JobSpec spec = job.spec();
            GenerationRequest request;
            try {
                request = GenerationRequest.of(spec, input(spec.image(), "image"), input(spec.mask(), "mask"));
            } catch (EngineException e) {
                return failed(e.code(), e.getMessage());
            }
            // A lookup needs the prompt's embedding now; a job that only adds its result to the index gets it
            // beside the uploads.
            boolean lookup = job.similar() != null && job.similar().lookup();
            Optional<float[]> embedding = lookup ? embedding(pipeline) : Optional.empty();
            if (embedding.isPresent()) {
                Optional<SimilarResults.Match> match = similarResults.find(job.similar(), embedding.get(),
                        pipeline.model().pkg().similarThreshold().orElseThrow());
                if (match.isPresent()) {
                    return reuse(match.get(), queueMs);
                }
            }
            long deadline = startNanos + config.runTimeout().toNanos();
            CancelSignal.Watch cancel = cancels.watch(id);
            Generation generation;
            long inferenceStart = System.nanoTime();
            try {
                generation = pipeline.generate(request, new Progress(), () -> stop(deadline, cancel));
            } catch (GenerationCanceledException e) {
                if (cancel.canceled() || cancels.isCanceled(id)) {
                    publish(new JobEvent.Canceled(id, attempt, seq++, delivery.workerId(), Instant.now()));
                    Log.infof("job %s: %s", id, e.getMessage());
                    return count("canceled", RunOutcome.ACCEPT);
                }
                if (System.nanoTime() > deadline) {
                    return failed("run_timeout", "the job ran longer than " + config.runTimeout());
                }
                Log.infof("job %s: stopped for shutdown; released for another worker", id);
                return count("released", RunOutcome.RELEASE);
            } catch (EngineException e) {
                if (e.retryable()) {
                    throw new TransientJobException(e.code(), e.getMessage(), e);
                }
                return failed(e.code(), e.getMessage());
            } finally {
                cancel.close();
            }
            long inferenceMs = (System.nanoTime() - inferenceStart) / 1_000_000;
            progress(JobStage.UPLOADING, 0, 0, null);
            long uploadStart = System.nanoTime();
            List<ResultImage> images = new ArrayList<>();
            Optional<float[]> indexed = upload(spec, pipeline, generation, images,
                    lookup ? () -> embedding : () -> embedding(pipeline));
            long uploadMs = (System.nanoTime() - uploadStart) / 1_000_000;
            long runMs = (System.nanoTime() - startNanos) / 1_000_000;
            publish(new JobEvent.Succeeded(id, attempt, seq++, delivery.workerId(), Instant.now(), images,
                    new JobMetrics(queueMs, runMs, inferenceMs, uploadMs)));
            // Indexed once its images are stored (a match always points at objects that exist), after the answer:
            // the index is a cache, and an entry that a crash here loses costs a later request a generation.
            indexed.ifPresent(e -> similarResults.store(job.similar(), id, e, images));
            Log.infof("job %s: succeeded in %d ms (inference %d ms, upload %d ms, %s)", id, runMs, inferenceMs, uploadMs,
                    generation.provider().wireName());
            return count("succeeded", RunOutcome.ACCEPT);
        }

        /**
         * The prompt's embedding when this job takes part in similar-prompt reuse: the gateway asked for it and the
         * model has an embedding with a calibrated threshold (a stock SD export has none). The index is a cache, so
         * an embedding that cannot be computed leaves the job without it (logged) instead of failing the job.
         */
        private Optional<float[]> embedding(Pipeline pipeline) {
            if (job.similar() == null || pipeline.model().pkg().similarThreshold().isEmpty()
                    || !pipeline.model().textEncoder().hasEmbedding()) {
                return Optional.empty();
            }
            try {
                return Optional.of(pipeline.model().textEncoder().embed(job.spec().prompt(), new Timings()));
            } catch (RuntimeException e) {
                Log.warnf(e, "job %s: no prompt embedding, so no similar-prompt lookup or index entry", id);
                return Optional.empty();
            }
        }

        /** Answers with a stored result of a prompt that means the same: no generation, its images. */
        private RunOutcome reuse(SimilarResults.Match match, long queueMs) {
            long runMs = (System.nanoTime() - startNanos) / 1_000_000;
            publish(new JobEvent.Succeeded(id, attempt, seq++, delivery.workerId(), Instant.now(), match.images(),
                    new JobMetrics(queueMs, runMs, 0L, 0L), new ReusedResult(match.jobId(), match.similarity())));
            Log.infof("job %s: reused the result of job %s (prompt similarity %.3f) in %d ms", id, match.jobId(),
                    match.similarity(), runMs);
            return count("reused", RunOutcome.ACCEPT);
        }

        private boolean stop(long deadline, CancelSignal.Watch cancel) {
            return delivery.stopRequested().getAsBoolean() || System.nanoTime() > deadline || cancel.canceled();
        }

        private BufferedImage input(ImageRef ref, String field) {
            if (ref == null) {
                return null;
            }
            byte[] bytes = switch (ref) {
                case ImageRef.DataUrl data -> data.bytes();
                case ImageRef.Upload upload -> readUpload(upload.id());
            };
            if (bytes == null) {
                throw new EngineException("image_invalid", field + " " + ref.wire() + " no longer exists", false, null);
            }
            return ImageCodec.decode(bytes, Long.MAX_VALUE, field);
        }

        private byte[] readUpload(String uploadId) {
            try {
                return store.upload(uploadId);
            } catch (StorageUnavailableException e) {
                throw TransientJobException.storageUnavailable(e);
            }
        }

        /**
         * Encodes and stores every image and its thumbnail, all at once, adding each image's reference to
         * {@code images}; returns when all are stored, with what {@code beside} computed meanwhile.
         */
        private <T> T upload(JobSpec spec, Pipeline pipeline, Generation generation, List<ResultImage> images,
                             Callable<T> beside) {
            List<Callable<Object>> puts = new ArrayList<>();
            for (int i = 0; i < generation.images().size(); i++) {
                BufferedImage image = generation.images().get(i);
                long seed = generation.seeds().get(i);
                String key = StorageKeys.output(id, i);
                String thumb = StorageKeys.thumbnail(id, i);
                puts.add(Executors.callable(() -> store.put(key,
                        ImageCodec.png(image, PngParameters.of(spec, pipeline.model().pkg().limits(), seed)), "image/png")));
                puts.add(Executors.callable(() -> store.put(thumb, ImageCodec.jpeg(image, THUMBNAIL_SIDE, 0.85f), "image/jpeg")));
                images.add(new ResultImage(i, key, thumb, image.getWidth(), image.getHeight(), seed, "image/png"));
            }
            puts.add(beside::call);
            try {
                @SuppressWarnings("unchecked")
                T computed = (T) uploads.all(puts).getLast();
                return computed;
            } catch (StorageUnavailableException e) {
                throw TransientJobException.storageUnavailable(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransientJobException("interrupted", "interrupted while storing the images", e);
            }
        }

        private RunOutcome failed(String code, String message) {
            publish(new JobEvent.Failed(id, attempt, seq++, delivery.workerId(), Instant.now(),
                    JobError.reported(code, message, false)));
            Log.infof("job %s: failed (%s): %s", id, code, message);
            return count("failed", RunOutcome.ACCEPT);
        }

        RunOutcome transientFailure(String code, String message, Throwable cause) {
            if (attempt < config.maxDeliveries()) {
                Log.warnf(cause, "job %s: attempt %d failed (%s: %s); released for another delivery", id, attempt, code, message);
                return count("released", RunOutcome.RELEASE);
            }
            Log.errorf(cause, "job %s: attempt %d of %d failed (%s); giving up", id, attempt, config.maxDeliveries(), code);
            // The client's answer first: a job whose failure never reached the gateway would stay running there
            // once the broker stops redelivering it, while a missing copy for operators loses nobody's job.
            try {
                publish(new JobEvent.Failed(id, attempt, seq++, delivery.workerId(), Instant.now(),
                        JobError.reported("delivery_limit_reached", "gave up after " + attempt + " attempts: " + message,
                                false)));
            } catch (TransientJobException e) {
                Log.errorf(e, "job %s: cannot publish its failure either; releasing", id);
                return count("released", RunOutcome.RELEASE);
            }
            try {
                events.deadLetter(new DeadLetter(job, attempt, delivery.workerId(), JobError.reported(code, message, true),
                        Instant.now()), delivery.headers());
                return count("dead_lettered", RunOutcome.ACCEPT);
            } catch (TransientJobException e) {
                // Released, it would run again for a client already told it failed.
                Log.errorf(e, "job %s: failed, but its copy to the dead-letter topic was refused; the job's row keeps its request and error", id);
                return count("dead_letter_refused", RunOutcome.ACCEPT);
            }
        }

        private RunOutcome count(String outcome, RunOutcome settle) {
            registry.counter("easel_worker_jobs", "outcome", outcome).increment();
            return settle;
        }

        /** Queues a progress event on the lane; a preview, when given, is rendered and stored there first and named in it. */
        private void progress(JobStage stage, int step, int steps, Supplier<BufferedImage> preview) {
            long eventSeq = seq++;
            Instant at = Instant.now();
            progressLane.execute(() -> events.publishProgress(new JobEvent.Progress(id, attempt, eventSeq,
                    delivery.workerId(), at, stage, step, steps, preview == null ? null : storePreview(preview))));
        }

        /** The preview's key, or null when it could not be stored (progress goes on without one). */
        private String storePreview(Supplier<BufferedImage> preview) {
            String key = StorageKeys.preview(id);
            try {
                store.put(key, ImageCodec.jpeg(preview.get(), PREVIEW_SIDE, 0.7f), "image/jpeg");
                return key;
            } catch (RuntimeException e) {
                Log.debugf("job %s: preview not stored: %s", id, e.getMessage());
                return null;
            } finally {
                previewInFlight.set(false);
            }
        }

        /**
         * Publishes a status event (acknowledged by the broker) after every progress event queued before it, once
         * the broker has acknowledged {@code started}.
         */
        private void publish(JobEvent event) {
            try {
                progressLane.submit(() -> { }).get();
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

        /**
         * Stage changes go out at once; steps at most every {@code progress-interval}. A step's event carries a
         * preview at most once per {@code preview-interval} of denoising, never on the last step (the decoded image
         * follows it). A preview is rendered, encoded and stored on the progress lane, off the denoising thread, and
         * its event follows once it is stored; while one is still on its way, the next step's event goes out
         * without a preview.
         */
        private final class Progress implements ProgressListener {
            private long lastStepNanos = System.nanoTime();
            private long lastPreviewNanos = lastStepNanos;

            @Override
            public void stage(JobStage stage) {
                progress(stage, 0, 0, null);
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
                if (now - lastProgressNanos < config.progressInterval().toNanos() && step < steps) {
                    return;
                }
                lastProgressNanos = now;
                boolean previewDue = preview != null && step < steps
                        && now - lastPreviewNanos >= config.previewInterval().toNanos();
                boolean withPreview = previewDue && previewInFlight.compareAndSet(false, true);
                if (withPreview) {
                    lastPreviewNanos = now;
                }
                progress(JobStage.DENOISING, step, steps, withPreview ? preview : null);
            }
        }
    }
}
