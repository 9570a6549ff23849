package dev.easel.engine.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.engine.InjectedNoise;
import dev.easel.engine.TinyShapes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scheduler's timesteps, σ's, input scaling and two consecutive steps against the float64 numpy
 * reference of models/training/schedulers.py (fixtures/schedulers.json), to 1e-5.
 */
class SchedulerReferenceTest {

    private static final double TOLERANCE = 1e-5;

    private static JsonNode fixture() throws IOException {
        return new ObjectMapper().readTree(TinyShapes.fixtures().resolve("schedulers.json").toFile());
    }

    static Stream<Arguments> cases() throws IOException {
        JsonNode fixture = fixture();
        List<Arguments> cases = new ArrayList<>();
        fixture.get("schedulers").fields().forEachRemaining(scheduler ->
                scheduler.getValue().fields().forEachRemaining(steps ->
                        cases.add(Arguments.of(scheduler.getKey(), Integer.parseInt(steps.getKey()), steps.getValue(), fixture.get("step_test_inputs")))));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} with {1} steps")
    @MethodSource("cases")
    void matchesTheReference(String name, int steps, JsonNode expected, JsonNode inputs) {
        SchedulerConfig config = SchedulerConfig.read(TinyShapes.root().resolve("scheduler/scheduler_config.json"));
        Scheduler scheduler = Schedulers.create(dev.easel.common.job.Scheduler.fromWire(name).orElseThrow(), config);
        scheduler.setTimesteps(steps);

        assertThat(scheduler.steps()).isEqualTo(steps);
        for (int i = 0; i < steps; i++) {
            assertThat((double) scheduler.timestep(i)).as("timestep %d", i).isCloseTo(expected.get("timesteps").get(i).asDouble(), within(TOLERANCE));
        }
        assertThat((double) scheduler.initNoiseSigma()).isCloseTo(expected.get("init_noise_sigma").asDouble(), within(relative(expected.get("init_noise_sigma").asDouble())));

        float[] sample = floats(inputs.get("sample"));
        assertClose("scale_model_input(0)", scheduler.scaleModelInput(sample, 0), expected.get("scale_model_input_0"));
        float[][] noise = {floats(inputs.get("noise_0")), floats(inputs.get("noise_1"))};
        InjectedNoise source = new InjectedNoise(concat(noise[0], noise[1]));
        float[] first = scheduler.step(floats(inputs.get("model_output_0")), 0, sample, source).prevSample();
        assertClose("step 0", first, expected.get("step_0_output"));
        float[] second = scheduler.step(floats(inputs.get("model_output_1")), 1, first, source).prevSample();
        assertClose("step 1", second, expected.get("step_1_output"));
    }

    private static double relative(double value) {
        return Math.max(TOLERANCE, Math.abs(value) * 1e-6);
    }

    private static void assertClose(String what, float[] actual, JsonNode expected) {
        assertThat(actual).as(what).hasSize(expected.size());
        for (int i = 0; i < actual.length; i++) {
            double e = expected.get(i).asDouble();
            assertThat((double) actual[i]).as("%s[%d]", what, i).isCloseTo(e, within(Math.max(TOLERANCE, Math.abs(e) * 2e-6)));
        }
    }

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
