package dev.easel.gateway.model;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Map;

/**
 * Models the gateway accepts requests for until workers announce theirs in heartbeats; keyed by model id.
 * The defaults describe the bundled {@code tiny-shapes} model.
 */
@ConfigMapping(prefix = "easel.models")
public interface ModelsConfig {

    /** The model a request gets when it names none. */
    @WithDefault("tiny-shapes")
    String defaultModel();

    /** The configured models by id. */
    Map<String, Model> catalog();

    /** One model's version, defaults and limits (see {@code dev.easel.common.model.ModelLimits}). */
    interface Model {
        String version();

        int defaultWidth();

        int defaultHeight();

        int maxWidth();

        int maxHeight();

        @WithDefault("8")
        int pixelStride();

        int defaultSteps();

        double defaultGuidanceScale();

        String defaultScheduler();

        List<String> schedulers();

        List<String> kinds();
    }
}
