package dev.easel.gateway.model;

import dev.easel.common.job.JobKind;
import dev.easel.common.job.Scheduler;
import dev.easel.common.model.ModelCatalog;
import dev.easel.common.model.ModelLimits;
import dev.easel.common.model.StaticModelCatalog;
import dev.easel.common.queue.WorkerHeartbeat;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The models requests may name: those the live workers announce in their heartbeats, or, while no worker is
 * alive, the configured catalog ({@link ModelsConfig}) so that jobs can still be queued.
 */
@ApplicationScoped
public class ConfiguredModelCatalog implements ModelCatalog {

    private final StaticModelCatalog configured;
    private final WorkerDirectory workers;

    ConfiguredModelCatalog(ModelsConfig config, WorkerDirectory workers) {
        this.workers = workers;
        List<ModelLimits> models = new ArrayList<>();
        for (Map.Entry<String, ModelsConfig.Model> entry : config.catalog().entrySet()) {
            ModelsConfig.Model m = entry.getValue();
            models.add(new ModelLimits(entry.getKey(), m.version(), m.defaultWidth(), m.defaultHeight(),
                    m.maxWidth(), m.maxHeight(), m.pixelStride(), m.defaultSteps(), m.defaultGuidanceScale(),
                    scheduler(m.defaultScheduler()),
                    m.schedulers().stream().map(ConfiguredModelCatalog::scheduler).collect(Collectors.toSet()),
                    m.kinds().stream().map(ConfiguredModelCatalog::kind).collect(Collectors.toSet())));
        }
        this.configured = new StaticModelCatalog(models, config.defaultModel());
    }

    private static Scheduler scheduler(String name) {
        return Scheduler.fromWire(name).orElseThrow(() ->
                new IllegalArgumentException("easel.models: unknown scheduler " + name));
    }

    private static JobKind kind(String name) {
        return JobKind.fromWire(name).orElseThrow(() ->
                new IllegalArgumentException("easel.models: unknown job kind " + name));
    }

    @Override
    public Optional<ModelLimits> find(String id) {
        return all().stream().filter(m -> m.id().equals(id)).findFirst();
    }

    @Override
    public String defaultModel() {
        List<ModelLimits> announced = announced();
        if (announced.isEmpty() || announced.stream().anyMatch(m -> m.id().equals(configured.defaultModel()))) {
            return configured.defaultModel();
        }
        return announced.getFirst().id();
    }

    public List<ModelLimits> all() {
        List<ModelLimits> announced = announced();
        return announced.isEmpty() ? configured.models() : announced;
    }

    /** Whether {@link #all()} comes from worker heartbeats rather than configuration. */
    public boolean fromWorkers() {
        return !announced().isEmpty();
    }

    private List<ModelLimits> announced() {
        Map<String, ModelLimits> byId = new java.util.LinkedHashMap<>();
        for (WorkerHeartbeat worker : workers.workers()) {
            for (ModelLimits model : worker.models()) {
                byId.putIfAbsent(model.id(), model);
            }
        }
        return List.copyOf(byId.values());
    }
}
