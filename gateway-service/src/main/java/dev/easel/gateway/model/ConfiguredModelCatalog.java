package dev.easel.gateway.model;

import dev.easel.common.job.JobKind;
import dev.easel.common.job.Scheduler;
import dev.easel.common.model.ModelCatalog;
import dev.easel.common.model.ModelLimits;
import dev.easel.common.model.StaticModelCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The model catalog request validation uses, built once from {@link ModelsConfig}. */
@ApplicationScoped
public class ConfiguredModelCatalog implements ModelCatalog {

    private final StaticModelCatalog catalog;

    ConfiguredModelCatalog(ModelsConfig config) {
        List<ModelLimits> models = new ArrayList<>();
        for (Map.Entry<String, ModelsConfig.Model> entry : config.catalog().entrySet()) {
            ModelsConfig.Model m = entry.getValue();
            models.add(new ModelLimits(entry.getKey(), m.version(), m.defaultWidth(), m.defaultHeight(),
                    m.maxWidth(), m.maxHeight(), m.pixelStride(), m.defaultSteps(), m.defaultGuidanceScale(),
                    scheduler(m.defaultScheduler()),
                    m.schedulers().stream().map(ConfiguredModelCatalog::scheduler).collect(Collectors.toSet()),
                    m.kinds().stream().map(ConfiguredModelCatalog::kind).collect(Collectors.toSet())));
        }
        this.catalog = new StaticModelCatalog(models, config.defaultModel());
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
        return catalog.find(id);
    }

    @Override
    public String defaultModel() {
        return catalog.defaultModel();
    }

    public List<ModelLimits> all() {
        return catalog.models();
    }
}
