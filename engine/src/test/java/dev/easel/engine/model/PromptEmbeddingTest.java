package dev.easel.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.engine.Timings;
import dev.easel.engine.TinyShapes;
import org.junit.jupiter.api.Test;

/**
 * The bundled model's prompt embedding against prompt pairs written for this test
 * ({@code models/tiny-shapes/fixtures/paraphrases.json}: English, Chinese and across the two; pairs that mean the
 * same and pairs one attribute apart), at the threshold the model package declares.
 */
class PromptEmbeddingTest {

    private final DiffusionModel model = TinyShapes.model();

    @Test
    void promptsThatMeanTheSameAreCloserThanTheThresholdAndOthersAreNot() throws Exception {
        TextEncoder encoder = model.textEncoder();
        assertThat(encoder.hasEmbedding()).isTrue();
        double threshold = model.pkg().similarThreshold().orElseThrow();
        JsonNode pairs = new ObjectMapper().readTree(TinyShapes.root().resolve("fixtures/paraphrases.json").toFile())
                .path("pairs");
        assertThat(pairs.size()).isGreaterThanOrEqualTo(100);

        int truePositives = 0;
        int falsePositives = 0;
        int same = 0;
        StringBuilder wrong = new StringBuilder();
        for (JsonNode pair : pairs) {
            double cosine = dot(encoder.embed(pair.path("a").asText(), new Timings()), encoder.embed(pair.path("b").asText(), new Timings()));
            boolean matched = cosine >= threshold;
            boolean meansTheSame = pair.path("same").asBoolean();
            same += meansTheSame ? 1 : 0;
            truePositives += matched && meansTheSame ? 1 : 0;
            falsePositives += matched && !meansTheSame ? 1 : 0;
            if (matched != meansTheSame) {
                wrong.append(String.format("%n  %.3f %s | %s | %s", cosine, meansTheSame ? "same" : "different",
                        pair.path("a").asText(), pair.path("b").asText()));
            }
        }
        double precision = truePositives + falsePositives == 0 ? 1 : (double) truePositives / (truePositives + falsePositives);
        double recall = (double) truePositives / same;
        System.out.printf("prompt embedding at threshold %.3f: precision %.3f (%d of %d matches), recall %.3f (%d of %d)%s%n",
                threshold, precision, truePositives, truePositives + falsePositives, recall, truePositives, same, wrong);
        assertThat(precision).as("matches that mean the same").isGreaterThanOrEqualTo(0.95);
        assertThat(recall).as("a threshold nothing passes would be precise and useless").isGreaterThanOrEqualTo(0.5);
    }

    @Test
    void anEmbeddingHasUnitLengthAndIsTheSameForTheSamePrompt() {
        TextEncoder encoder = model.textEncoder();
        float[] a = encoder.embed("a red circle on a white background", new Timings());
        float[] b = encoder.embed("a red circle on a white background", new Timings());
        assertThat(dot(a, a)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(a).containsExactly(b);
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
