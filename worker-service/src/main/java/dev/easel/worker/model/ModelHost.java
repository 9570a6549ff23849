package dev.easel.worker.model;

import dev.easel.common.job.JobKind;
import dev.easel.common.model.ModelLimits;
import dev.easel.engine.model.DiffusionModel;
import dev.easel.engine.model.EngineConfig;
import dev.easel.engine.model.ExecutionProvider;
import dev.easel.engine.model.ModelPackage;
import dev.easel.engine.model.PromptEncodings;
import dev.easel.engine.pipeline.GenerationRequest;
import dev.easel.engine.pipeline.Pipeline;
import dev.easel.engine.pipeline.ProgressListener;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Loads the configured model package once at start-up, runs one warm-up generation, and holds the
 * pipeline every job on this worker uses. Until the warm-up finished the worker is not ready.
 */
@ApplicationScoped
public class ModelHost {

    private final EngineSettings settings;
    private final AtomicReference<Pipeline> pipeline = new AtomicReference<>();
    private final AtomicReference<String> failure = new AtomicReference<>();

    private final MeterRegistry registry;

    ModelHost(EngineSettings settings, MeterRegistry registry) {
        this.settings = settings;
        this.registry = registry;
    }

    void start(@Observes StartupEvent event) {
        Thread.ofPlatform().name("model-load").start(this::load);
    }

    private void load() {
        long start = System.nanoTime();
        try {
            EngineConfig config = new EngineConfig(settings.providers().stream().map(ExecutionProvider::parse).toList(),
                    settings.deviceId(), settings.intraOpThreads(), settings.interOpThreads(),
                    settings.tensorrtCacheDir(), settings.tensorrtFp16());
            ModelPackage pkg = ModelPackage.read(settings.modelDir());
            DiffusionModel model = DiffusionModel.load(pkg, config);
            // A preview is offered at every step; the job runner renders one per preview-interval at most.
            Pipeline loaded = new Pipeline(model, 1, settings.promptCacheEntries());
            ModelLimits limits = pkg.limits();
            try {
                loaded.generate(GenerationRequest.textToImage("warm-up", "", limits.defaultWidth(), limits.defaultHeight(), 2,
                        limits.defaultGuidanceScale(), limits.defaultScheduler(), 0, 1), ProgressListener.NONE, () -> false);
            } catch (RuntimeException e) {
                model.close(); // its sessions hold native (and GPU) memory
                throw e;
            }
            pipeline.set(loaded);
            FunctionCounter.builder("easel_worker_prompt_cache_hits", loaded.prompts(), PromptEncodings::hits)
                    .description("Prompts whose text-encoder output came from the worker's cache").register(registry);
            FunctionCounter.builder("easel_worker_prompt_cache_misses", loaded.prompts(), PromptEncodings::misses)
                    .description("Prompts the text encoder ran for").register(registry);
            Gauge.builder("easel_worker_execution_provider", () -> 1)
                    .description("The execution provider the model runs on (value 1, the provider is the tag)")
                    .tag("provider", model.provider().wireName()).tag("model", limits.id() + "@" + limits.version())
                    .register(registry);
            Log.infof("model %s@%s ready on %s after %d ms (kinds %s)", limits.id(), limits.version(),
                    model.provider().wireName(), (System.nanoTime() - start) / 1_000_000, limits.kinds().stream().map(JobKind::wireName).toList());
        } catch (RuntimeException | LinkageError e) {
            // LinkageError: ONNX Runtime's native library could not be loaded (ExceptionInInitializerError,
            // UnsatisfiedLinkError); without this the thread would end with readiness at "loading" for good.
            failure.set(e.getClass().getSimpleName() + ": " + e.getMessage());
            Log.errorf(e, "cannot load the model from %s", settings.modelDir());
        }
    }

    /** The loaded, warmed-up pipeline; empty while loading or after a failed load. */
    public Optional<Pipeline> pipeline() {
        return Optional.ofNullable(pipeline.get());
    }

    /** Why the model could not be loaded, if it could not. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure.get());
    }

    // After the slots have drained (JobSlots observes shutdown at the default priority): a job still running would
    // call into closed sessions.
    void stop(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) ShutdownEvent event) {
        Pipeline loaded = pipeline.getAndSet(null);
        if (loaded != null) {
            loaded.model().close();
        }
    }
}
