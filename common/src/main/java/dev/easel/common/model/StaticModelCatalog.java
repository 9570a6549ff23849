package dev.easel.common.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A fixed list of models, for configuration-driven deployments and tests. */
public record StaticModelCatalog(List<ModelLimits> models, String defaultModel) implements ModelCatalog {

    public StaticModelCatalog {
        models = List.copyOf(models);
        Objects.requireNonNull(defaultModel, "defaultModel");
        var ids = new HashSet<String>();
        for (ModelLimits model : models) {
            if (!ids.add(model.id())) {
                throw new IllegalArgumentException("model " + model.id() + " is listed twice");
            }
        }
        if (!ids.contains(defaultModel)) {
            throw new IllegalArgumentException("default model " + defaultModel + " is not in the catalog");
        }
    }

    /** A catalog of the given models whose first entry is the default. */
    public static StaticModelCatalog of(ModelLimits first, ModelLimits... more) {
        var all = new ArrayList<ModelLimits>();
        all.add(first);
        all.addAll(List.of(more));
        return new StaticModelCatalog(all, first.id());
    }

    @Override
    public Optional<ModelLimits> find(String id) {
        return models.stream().filter(model -> model.id().equals(id)).findFirst();
    }
}
