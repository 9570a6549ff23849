package dev.easel.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.common.job.JobKind;
import dev.easel.common.job.Scheduler;
import dev.easel.common.model.ModelLimits;
import dev.easel.engine.EngineException;
import dev.easel.engine.OptimumFixtures;
import dev.easel.engine.Timings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** An Optimum Stable Diffusion 1.5 export folder, without any Easel additions, read and run by the engine's loading code. */
class OptimumPackageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode fixture(OptimumFixtures export, String file) throws IOException {
        return JSON.readTree(export.root().resolve("fixtures").resolve(file).toFile());
    }

    @ParameterizedTest
    @EnumSource(OptimumFixtures.class)
    void derivesTheServingLimitsFromTheDiffusersConfigs(OptimumFixtures export) {
        ModelPackage pkg = ModelPackage.read(export.root());
        ModelLimits limits = pkg.limits();

        assertThat(pkg.vaeScaleFactor()).as("2^(len(block_out_channels) - 1)").isEqualTo(8);
        assertThat(pkg.vaeScalingFactor()).as("vae scaling_factor").isEqualTo(0.18215);
        assertThat(pkg.latentChannels()).isEqualTo(4);
        assertThat(pkg.maxTokens()).as("tokenizer model_max_length").isEqualTo(77);
        assertThat(limits.defaultWidth()).as("unet sample_size × 8").isEqualTo(64);
        assertThat(limits.defaultHeight()).isEqualTo(64);
        assertThat(limits.maxWidth()).isEqualTo(128);
        assertThat(limits.pixelStride()).as("vae scale × 2^(len(unet block_out_channels) - 1)").isEqualTo(16);
        assertThat(limits.kinds()).containsExactlyInAnyOrder(JobKind.values());
        assertThat(limits.schedulers()).contains(Scheduler.EULER, Scheduler.EULER_ANCESTRAL, Scheduler.DDIM, Scheduler.DPMPP_2M)
                .doesNotContain(Scheduler.FLOW_EULER);
        assertThat(limits.defaultScheduler()).isEqualTo(Scheduler.EULER);
    }

    private static void copy(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path to = target.resolve(source.relativize(file).toString());
                Files.createDirectories(to.getParent());
                Files.copy(file, to);
            }
        }
    }

    @Test
    void readsTheScalingFactorAndTokenLengthFromTheComponentConfigs(@TempDir Path copy) throws IOException {
        copy(OptimumFixtures.CURRENT.root(), copy);
        edit(copy.resolve("vae_decoder/config.json"), "scaling_factor", 0.13025);
        edit(copy.resolve("tokenizer/tokenizer_config.json"), "model_max_length", 64);

        ModelPackage pkg = ModelPackage.read(copy);

        assertThat(pkg.vaeScalingFactor()).isEqualTo(0.13025);
        assertThat(pkg.maxTokens()).isEqualTo(64);
    }

    private static void edit(Path file, String field, double value) throws IOException {
        ObjectNode config = (ObjectNode) JSON.readTree(file.toFile());
        config.put(field, value);
        JSON.writeValue(file.toFile(), config);
    }

    @ParameterizedTest
    @EnumSource(OptimumFixtures.class)
    void tokenizesLikeClipPaddedAndTruncatedTo77(OptimumFixtures export) throws IOException {
        JsonNode tokens = fixture(export, "tokens.json");
        try (PromptTokenizer tokenizer = PromptTokenizer.load(export.root().resolve("tokenizer"), 77)) {
            for (JsonNode c : tokens.get("cases")) {
                long[] expected = StreamSupport.stream(c.get("ids").spliterator(), false).mapToLong(JsonNode::asLong).toArray();
                long[] ids = tokenizer.encode(c.get("text").asText());
                assertThat(ids).as("'%s'", c.get("text").asText()).hasSize(77).containsExactly(expected);
                assertThat(ids[0]).isEqualTo(49406);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(OptimumFixtures.class)
    void aClipTokenizerSavedAsVocabAndMergesGivesTheSameIds(OptimumFixtures export, @TempDir Path copy) throws IOException {
        copy(export.root(), copy);
        Files.delete(copy.resolve("tokenizer/tokenizer.json"));
        JsonNode tokens = fixture(export, "tokens.json");

        ModelPackage pkg = ModelPackage.read(copy);
        try (PromptTokenizer tokenizer = PromptTokenizer.load(pkg.tokenizerFolder(), pkg.maxTokens())) {
            for (JsonNode c : tokens.get("cases")) {
                long[] expected = StreamSupport.stream(c.get("ids").spliterator(), false).mapToLong(JsonNode::asLong).toArray();
                assertThat(tokenizer.encode(c.get("text").asText())).as("'%s'", c.get("text").asText()).containsExactly(expected);
            }
        }
    }

    @Test
    void aTokenizerFolderWithNeitherFormatIsNamedAsMissing(@TempDir Path copy) throws IOException {
        copy(OptimumFixtures.CURRENT.root(), copy);
        Files.delete(copy.resolve("tokenizer/tokenizer.json"));
        Files.delete(copy.resolve("tokenizer/merges.txt"));

        assertThatThrownBy(() -> ModelPackage.read(copy))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("tokenizer/tokenizer.json (or vocab.json + merges.txt)");
    }

    @ParameterizedTest
    @EnumSource(OptimumFixtures.class)
    void encodesPromptsThroughTheDeclaredIdType(OptimumFixtures export) throws IOException {
        String declared = fixture(export, "io.json").at("/text_encoder/inputs/0/type").asText();
        assertThat(declared).isEqualTo(export == OptimumFixtures.LEGACY ? "int32" : "int64");
        try (DiffusionModel model = DiffusionModel.load(ModelPackage.read(export.root()), EngineConfig.cpu())) {
            TextEncoder.Encoded encoded = model.textEncoder().encode(List.of("", "a photo of a cat"), new Timings());

            assertThat(encoded.batch()).isEqualTo(2);
            assertThat(encoded.tokens()).isEqualTo(77);
            assertThat(encoded.hidden()).isEqualTo(32);
            List<Float> nonFinite = new ArrayList<>();
            for (float v : encoded.states()) {
                if (!Float.isFinite(v)) {
                    nonFinite.add(v);
                }
            }
            assertThat(nonFinite).isEmpty();
        }
    }
}
