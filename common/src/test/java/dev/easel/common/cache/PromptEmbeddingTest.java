package dev.easel.common.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.easel.common.json.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PromptEmbeddingTest {

    @Test
    void normalisesAndMeasuresCosineSimilarity() {
        PromptEmbedding a = PromptEmbedding.of(new float[] {3, 4});
        assertThat(a.values()).containsExactly(0.6f, 0.8f);
        assertThat(a.similarity(PromptEmbedding.of(new float[] {6, 8}))).isCloseTo(1.0, within(1e-6));
        assertThat(a.similarity(PromptEmbedding.of(new float[] {-4, 3}))).isCloseTo(0.0, within(1e-6));
        assertThat(a.similarity(PromptEmbedding.of(new float[] {-3, -4}))).isCloseTo(-1.0, within(1e-6));
        assertThat(a.similarity(PromptEmbedding.of(new float[] {1, 0, 0}))).isEqualTo(-1.0);
    }

    @Test
    void refusesVectorsWithoutADirection() {
        assertThatThrownBy(() -> PromptEmbedding.of(new float[] {0, 0})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PromptEmbedding.of(new float[] {1, Float.NaN})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PromptEmbedding.of(new float[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void travelsAsBase64Float32InJson() {
        PromptEmbedding embedding = random(new Random(1), 128);
        byte[] json = JsonCodec.encode(embedding);
        assertThat(new String(json, StandardCharsets.UTF_8)).startsWith("\"").hasSize(2 + 4 * ((128 * 4 + 2) / 3));
        assertThat(JsonCodec.decode(json, PromptEmbedding.class)).isEqualTo(embedding);
    }

    @Test
    void bucketsAreStableAcrossProcesses() {
        // Gateways and workers must agree: pinned so that a change to the hyperplanes is a deliberate one.
        float[] v = new float[16];
        for (int i = 0; i < v.length; i++) {
            v[i] = i - 7.5f;
        }
        assertThat(PromptEmbedding.of(v).buckets()).containsExactly(BUCKETS_OF_RAMP);
    }

    private static final int[] BUCKETS_OF_RAMP = {83, 15, 52, 201, 139, 22, 142, 1};

    @Test
    void nearVectorsShareABucketFarMoreOftenThanUnrelatedOnes() {
        Random random = new Random(7);
        int nearShared = 0;
        int farShared = 0;
        int trials = 400;
        for (int t = 0; t < trials; t++) {
            PromptEmbedding a = random(random, 128);
            PromptEmbedding near = perturb(a, random, 0.3);
            PromptEmbedding far = random(random, 128);
            assertThat(a.similarity(near)).isGreaterThan(0.9);
            nearShared += sharesABucket(a, near) ? 1 : 0;
            farShared += sharesABucket(a, far) ? 1 : 0;
        }
        // cos ≥ 0.9 → per-bit agreement ≥ 0.856, per table ≥ 0.29, over 8 tables ≥ 0.93.
        assertThat(nearShared).isGreaterThan(trials * 85 / 100);
        // Unrelated (cos ≈ 0): per table 0.5^8, over 8 tables ≈ 0.03.
        assertThat(farShared).isLessThan(trials * 8 / 100);
    }

    private static boolean sharesABucket(PromptEmbedding a, PromptEmbedding b) {
        int[] x = a.buckets();
        int[] y = b.buckets();
        for (int i = 0; i < x.length; i++) {
            if (x[i] == y[i]) {
                return true;
            }
        }
        return false;
    }

    private static PromptEmbedding random(Random random, int dimensions) {
        float[] v = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return PromptEmbedding.of(v);
    }

    private static PromptEmbedding perturb(PromptEmbedding base, Random random, double noise) {
        float[] v = base.values();
        for (int i = 0; i < v.length; i++) {
            v[i] += (float) (random.nextGaussian() * noise / Math.sqrt(v.length));
        }
        return PromptEmbedding.of(v);
    }
}
