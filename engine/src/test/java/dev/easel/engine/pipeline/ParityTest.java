package dev.easel.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.common.job.Scheduler;
import dev.easel.engine.InjectedNoise;
import dev.easel.engine.TinyShapes;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java engine against the PyTorch reference sampler (models/training/reference_sampler.py) on the
 * same model with the same injected noise: max abs pixel difference ≤ 3/255, mean ≤ 0.5/255.
 */
class ParityTest {

    private static final Path PARITY = TinyShapes.fixtures().resolve("parity");

    static Stream<Arguments> cases() throws IOException {
        JsonNode manifest = new ObjectMapper().readTree(PARITY.resolve("manifest.json").toFile());
        List<Arguments> cases = new ArrayList<>();
        for (JsonNode c : manifest.get("cases")) {
            cases.add(Arguments.of(c.get("prompt").asText() + " / " + c.get("scheduler").asText(), c));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesThePyTorchReference(String name, JsonNode c) {
        float[] initial = InjectedNoise.read(PARITY.resolve(c.at("/initial_noise/file").asText()));
        float[] stepNoise = c.path("step_noise").isObject() ? InjectedNoise.read(PARITY.resolve(c.at("/step_noise/file").asText())) : new float[0];
        float[] noise = new float[initial.length + stepNoise.length];
        System.arraycopy(initial, 0, noise, 0, initial.length);
        System.arraycopy(stepNoise, 0, noise, initial.length, stepNoise.length);
        InjectedNoise injected = new InjectedNoise(noise);

        int width = c.get("width").asInt();
        int height = c.get("height").asInt();
        GenerationRequest request = GenerationRequest.textToImage(c.get("prompt").asText(), c.get("negative_prompt").asText(),
                width, height, c.get("steps").asInt(), c.get("guidance_scale").asDouble(),
                Scheduler.fromWire(c.get("scheduler").asText()).orElseThrow(), 0, 1);
        BufferedImage image = new Pipeline(TinyShapes.model(), Integer.MAX_VALUE, 0, seed -> injected)
                .generate(request, ProgressListener.NONE, () -> false).images().get(0);

        assertThat(injected.remaining()).as("every injected noise value was used").isZero();
        float[] reference = InjectedNoise.read(PARITY.resolve(c.at("/pixels/file").asText()));
        int plane = width * height;
        double max = 0;
        double sum = 0;
        for (int ch = 0; ch < 3; ch++) {
            for (int i = 0; i < plane; i++) {
                int rgb = image.getRGB(i % width, i / width);
                int value = (rgb >> (16 - 8 * ch)) & 0xFF;
                double diff = Math.abs(value - reference[ch * plane + i] * 255.0);
                max = Math.max(max, diff);
                sum += diff;
            }
        }
        double mean = sum / (3.0 * plane);
        System.out.printf("parity %-70s max %.3f/255 mean %.4f/255%n", name, max, mean);
        assertThat(max).as("max abs difference in 1/255").isLessThanOrEqualTo(3.0);
        assertThat(mean).as("mean abs difference in 1/255").isLessThanOrEqualTo(0.5);
    }
}
