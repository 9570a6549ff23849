package dev.easel.common.model;

import java.util.Optional;

/** The models requests may name, and the one they get when they name none. */
public interface ModelCatalog {

    Optional<ModelLimits> find(String id);

    String defaultModel();
}
