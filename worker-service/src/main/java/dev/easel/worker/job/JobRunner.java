package dev.easel.worker.job;

import dev.easel.common.event.JobError;
import dev.easel.common.event.JobEvent;
import dev.easel.common.event.JobMetrics;
import dev.easel.common.event.JobRequested;
import dev.easel.common.event.ReusedResult;
import dev.easel.common.job.ImageRef;
import dev.easel.common.job.JobSpec;
import dev.easel.common.job.JobStage;
import dev.easel.common.trace.TraceParent;
import dev.easel.common.validation.DataUrlImageInspector;
import dev.easel.engine.EngineException;
import dev.easel.engine.GenerationCanceledException;
import dev.easel.engine.Timings;
import dev.easel.engine.image.ImageCodec;
import dev.easel.engine.pipeline.Generation;
import dev.easel.engine.pipeline.GenerationRequest;
import dev.easel.engine.pipeline.Pipeline;
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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import org.jboss.logging.MDC;

/**
 * Runs one delivery of one job: checks the cancel flag and start deadline, generates with the engine while
 * publishing progress, stores the images, publishes the outcome, and says how to settle the record.
 */
@ApplicationScoped
public class JobRunner {

    /** The logging context key that holds the running job's id and trace id. */
    public static final String LOG_CONTEXT = "job";

    private final EventPublisher events;
    private final ResultStore store;
    private final SimilarResults similarResults;
    private final CancelSignal cancels;
    private final ModelHost models;
    private final WorkerConfig config;
    private final Timer queueWait;
    private final Timer stepTime;
    private final JobOutcomes outcomes;
    private final DeliveryPolicy deliveries;
    private final ResultUploads uploads;

    JobRunner(EventPublisher events, ResultStore store, SimilarResults similarResults, CancelSignal cancels,
              ModelHost models, WorkerConfig config, MeterRegistry registry) {
        this.events = events;
        this.store = store;
        this.similarResults = similarResults;
        this.cancels = cancels;
        this.models = models;
        this.config = config;
        this.queueWait = Timer.builder("easel_worker_queue_wait_seconds").description("Submit to start of a job")
                .register(registry);
        this.stepTime = Timer.builder("easel_worker_step_seconds").description("One denoising step")
                .publishPercentileHistogram().register(registry);
        this.outcomes = new JobOutcomes(registry);
        this.deliveries = new DeliveryPolicy(config.maxDeliveries(), events, outcomes);
        this.uploads = new ResultUploads(store);
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
            return deliveries.transientFailure(job, delivery, run.lane, e.code(), e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            // What a job needs beyond this worker's heap it needs on the next worker too: failed, not retried.
            Log.errorf(e, "job %s: ran out of memory; failed without another attempt", job.jobId());
            return run.failed("resources_exhausted", "the job needs more memory than a worker has");
        } catch (RuntimeException | Error e) {
            // An engine bug, an unexpected provider error, a native library that failed to link: the next attempt
            // may run on another worker, and the last one dead-letters
            // the job instead of leaving it unfinished.
            return deliveries.transientFailure(job, delivery, run.lane, "internal_error",
                    e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        } finally {
            run.lane.close();
            MDC.remove(LOG_CONTEXT);
        }
    }

    private final class Run {
        private final JobRequested job;
        private final Delivery delivery;
        private final String id;
        private final int attempt;
        private final long startNanos = System.nanoTime();
        private final ProgressLane lane;
        private long queueMs;

        Run(JobRequested job, Delivery delivery) {
            this.job = job;
            this.delivery = delivery;
            this.id = job.jobId();
            this.attempt = delivery.deliveryCount();
            this.lane = new ProgressLane(events, id, attempt, delivery.workerId(),
                    preview -> uploads.preview(job.tenant(), id, preview));
        }

        RunOutcome execute() {
            Instant now = Instant.now();
            Optional<RunOutcome> ended = endedBeforeStart(now);
            if (ended.isPresent()) {
                return ended.get();
            }
            Pipeline pipeline = servedPipeline();
            start(now);
            GenerationRequest request;
            try {
                JobSpec spec = job.spec();
                request = GenerationRequest.of(spec, input(spec.image(), "image"), input(spec.mask(), "mask"));
            } catch (EngineException e) {
                return failed(e.code(), e.getMessage());
            }
            // A lookup needs the prompt's embedding now; a job that only adds its result to the index gets it
            // beside the uploads.
            boolean lookup = job.similar() != null && job.similar().lookup();
            Optional<float[]> embedding = lookup ? embedding(pipeline) : Optional.empty();
            Optional<SimilarResults.Match> match = embedding.flatMap(e -> similarResults.find(job.similar(), e,
                    pipeline.model().pkg().similarThreshold().orElseThrow()));
            if (match.isPresent()) {
                return reuse(match.get());
            }
            return generate(pipeline, request, lookup ? () -> embedding : () -> embedding(pipeline));
        }

        /** A job canceled before it started, or past its start deadline, ends without running. */
        private Optional<RunOutcome> endedBeforeStart(Instant now) {
            if (cancels.isCanceled(id)) {
                lane.publish(new JobEvent.Canceled(id, attempt, lane.nextSeq(), delivery.workerId(), now));
                return Optional.of(outcomes.count("canceled", RunOutcome.ACCEPT));
            }
            // Only the first delivery is judged against the start deadline. A later one may follow a start (the
            // job is running for its clients, and running -> expired is no transition), and one that follows no
            // start has been expired by the gateway's own sweep, whose cancel flag the check above finds.
            if (attempt == 1 && job.expiredAt(now)) {
                lane.publish(new JobEvent.Expired(id, attempt, lane.nextSeq(), delivery.workerId(), now));
                Log.infof("job %s: start deadline passed before it started", id);
                return Optional.of(outcomes.count("expired", RunOutcome.ACCEPT));
            }
            return Optional.empty();
        }

        /** This worker's pipeline, if it serves the job's model. */
        private Pipeline servedPipeline() {
            // Empty only once the model is closed at shutdown, after the slots have drained.
            Pipeline pipeline = models.pipeline().orElseThrow(() -> new TransientJobException("model_unavailable",
                    "this worker's model is not loaded", null));
            String served = pipeline.model().pkg().limits().id();
            if (!served.equals(job.spec().model())) {
                // Another worker of the group may serve it; if none does, the delivery limit dead-letters it.
                throw new TransientJobException("model_unavailable", "this worker serves " + served + ", not "
                        + job.spec().model(), null);
            }
            return pipeline;
        }

        private void start(Instant now) {
            lane.start(now);
            queueMs = Math.max(0, Duration.between(job.submittedAt(), now).toMillis());
            queueWait.record(Duration.ofMillis(queueMs));
            Log.infof("job %s: started attempt %d (%s)", id, attempt, job.spec().kind().wireName());
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
        private RunOutcome reuse(SimilarResults.Match match) {
            long runMs = (System.nanoTime() - startNanos) / 1_000_000;
            lane.publish(new JobEvent.Succeeded(id, attempt, lane.nextSeq(), delivery.workerId(), Instant.now(),
                    match.images(), new JobMetrics(queueMs, runMs, 0L, 0L),
                    new ReusedResult(match.jobId(), match.similarity())));
            Log.infof("job %s: reused the result of job %s (prompt similarity %.3f) in %d ms", id, match.jobId(),
                    match.similarity(), runMs);
            return outcomes.count("reused", RunOutcome.ACCEPT);
        }

        /**
         * Generates until done, canceled, out of time or stopped for shutdown; a generation that is done is stored
         * and answered, while {@code indexEmbedding} computes the embedding for the similar-prompt index beside the
         * uploads.
         */
        private RunOutcome generate(Pipeline pipeline, GenerationRequest request,
                                    Callable<Optional<float[]>> indexEmbedding) {
            long deadline = startNanos + config.runTimeout().toNanos();
            CancelSignal.Watch cancel = cancels.watch(id);
            Generation generation;
            long inferenceStart = System.nanoTime();
            try {
                generation = pipeline.generate(request, new ProgressThrottle(lane, config.progressInterval(),
                        config.previewInterval(), stepTime), () -> stop(deadline, cancel));
            } catch (GenerationCanceledException e) {
                return stopped(e, cancel, deadline);
            } catch (EngineException e) {
                if (e.retryable()) {
                    throw new TransientJobException(e.code(), e.getMessage(), e);
                }
                return failed(e.code(), e.getMessage());
            } finally {
                cancel.close();
            }
            long inferenceMs = (System.nanoTime() - inferenceStart) / 1_000_000;
            return storeAndAnswer(pipeline, generation, inferenceMs, indexEmbedding);
        }

        private boolean stop(long deadline, CancelSignal.Watch cancel) {
            return delivery.stopRequested().getAsBoolean() || System.nanoTime() > deadline || cancel.canceled();
        }

        /** Why the engine stopped before the end: a cancel, the run timeout, or else the worker's shutdown. */
        private RunOutcome stopped(GenerationCanceledException e, CancelSignal.Watch cancel, long deadline) {
            if (cancel.canceled() || cancels.isCanceled(id)) {
                lane.publish(new JobEvent.Canceled(id, attempt, lane.nextSeq(), delivery.workerId(), Instant.now()));
                Log.infof("job %s: %s", id, e.getMessage());
                return outcomes.count("canceled", RunOutcome.ACCEPT);
            }
            if (System.nanoTime() > deadline) {
                return failed("run_timeout", "the job ran longer than " + config.runTimeout());
            }
            Log.infof("job %s: stopped for shutdown; released for another worker", id);
            return outcomes.count("released", RunOutcome.RELEASE);
        }

        /** Stores the images, then answers {@code succeeded}; then adds the result to the similar-prompt index. */
        private RunOutcome storeAndAnswer(Pipeline pipeline, Generation generation, long inferenceMs,
                                          Callable<Optional<float[]>> indexEmbedding) {
            lane.progress(JobStage.UPLOADING, 0, 0, null);
            long uploadStart = System.nanoTime();
            ResultUploads.Stored<Optional<float[]>> stored = uploads.store(job.tenant(), id, job.spec(),
                    pipeline.model().pkg().limits(), generation, indexEmbedding);
            long uploadMs = (System.nanoTime() - uploadStart) / 1_000_000;
            long runMs = (System.nanoTime() - startNanos) / 1_000_000;
            lane.publish(new JobEvent.Succeeded(id, attempt, lane.nextSeq(), delivery.workerId(), Instant.now(),
                    stored.images(), new JobMetrics(queueMs, runMs, inferenceMs, uploadMs)));
            // Indexed once its images are stored (a match always points at objects that exist), after the answer:
            // the index is a cache, and an entry that a crash here loses costs a later request a generation.
            stored.beside().ifPresent(e -> similarResults.store(job.similar(), id, e, stored.images()));
            Log.infof("job %s: succeeded in %d ms (inference %d ms, upload %d ms, %s)", id, runMs, inferenceMs, uploadMs,
                    generation.provider().wireName());
            return outcomes.count("succeeded", RunOutcome.ACCEPT);
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
            // Whatever the request says: no input above what an upload may be is decoded.
            return ImageCodec.decode(bytes, DataUrlImageInspector.DEFAULT_MAX_PIXELS, field);
        }

        private byte[] readUpload(String uploadId) {
            try {
                return store.upload(job.tenant(), uploadId);
            } catch (StorageUnavailableException e) {
                throw TransientJobException.storageUnavailable(e);
            }
        }

        private RunOutcome failed(String code, String message) {
            lane.publish(new JobEvent.Failed(id, attempt, lane.nextSeq(), delivery.workerId(), Instant.now(),
                    JobError.reported(code, FailureTexts.of(code, message), false)));
            Log.infof("job %s: failed (%s): %s", id, code, message);
            return outcomes.count("failed", RunOutcome.ACCEPT);
        }
    }
}
