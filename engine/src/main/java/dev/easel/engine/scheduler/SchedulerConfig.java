package dev.easel.engine.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.engine.EngineException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A diffusers {@code scheduler_config.json}: the training noise schedule and how inference timesteps are
 * spaced. Missing fields take diffusers' defaults.
 *
 * @param className    the diffusers class the model was shipped with (decides flow matching)
 * @param betaSchedule {@code linear}, {@code scaled_linear} or {@code squaredcos_cap_v2}
 * @param predictionType {@code epsilon}, {@code v_prediction}, {@code sample}, or {@code flow} for flow-matching models
 * @param timestepSpacing {@code leading}, {@code trailing} or {@code linspace}
 * @param shift        flow matching's timestep shift
 */
public record SchedulerConfig(String className, int numTrainTimesteps, double betaStart, double betaEnd, String betaSchedule,
                              String predictionType, String timestepSpacing, int stepsOffset, double shift) {

    /** Reads a {@code scheduler_config.json}. */
    public static SchedulerConfig read(Path file) {
        try {
            return of(new ObjectMapper().readTree(file.toFile()));
        } catch (IOException e) {
            throw new EngineException("model_invalid", "cannot read " + file + ": " + e.getMessage(), false, e);
        }
    }

    public static SchedulerConfig of(JsonNode json) {
        String className = json.path("_class_name").asText("EulerDiscreteScheduler");
        boolean flow = className.startsWith("FlowMatch");
        return new SchedulerConfig(className,
                json.path("num_train_timesteps").asInt(1000),
                json.path("beta_start").asDouble(0.0001),
                json.path("beta_end").asDouble(0.02),
                json.path("beta_schedule").asText("linear"),
                flow ? "flow" : json.path("prediction_type").asText("epsilon"),
                json.path("timestep_spacing").asText(flow ? "linspace" : "leading"),
                json.path("steps_offset").asInt(0),
                json.path("shift").asDouble(1.0));
    }

    public boolean flowMatching() {
        return "flow".equals(predictionType);
    }
}
