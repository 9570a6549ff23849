package dev.easel.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.common.job.InpaintArea;
import dev.easel.common.job.JobKind;
import dev.easel.common.job.Scheduler;
import dev.easel.engine.InvalidInputException;
import dev.easel.engine.OptimumFixtures;
import dev.easel.engine.image.ImageCodec;
import dev.easel.engine.model.DiffusionModel;
import dev.easel.engine.model.EngineConfig;
import dev.easel.engine.model.ModelPackage;
import java.awt.image.BufferedImage;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole pipeline on the random-weight Optimum SD 1.5 exports: the images mean nothing, so only their size,
 * count and reproducibility are checked (non-finite latents would fail the run with numerical_error).
 */
class OptimumPipelineTest {

    private static final Map<OptimumFixtures, DiffusionModel> MODELS = new EnumMap<>(OptimumFixtures.class);

    private static synchronized Pipeline pipeline(OptimumFixtures export) {
        return new Pipeline(MODELS.computeIfAbsent(export, e -> DiffusionModel.load(ModelPackage.read(e.root()), EngineConfig.cpu())), 1);
    }

    @AfterAll
    static void close() {
        MODELS.values().forEach(DiffusionModel::close);
    }

    private static List<BufferedImage> run(OptimumFixtures export, GenerationRequest request) {
        return pipeline(export).generate(request, ProgressListener.NONE, () -> false).images();
    }

    @ParameterizedTest
    @EnumSource(OptimumFixtures.class)
    void textToImageGivesImagesOfTheRequestedSize(OptimumFixtures export) {
        List<BufferedImage> images = run(export, GenerationRequest.textToImage("a photo of a cat", "", 128, 64, 2, 7.5, Scheduler.EULER, 5, 2));

        assertThat(images).hasSize(2);
        for (BufferedImage image : images) {
            assertThat(image.getWidth()).isEqualTo(128);
            assertThat(image.getHeight()).isEqualTo(64);
        }
    }

    @ParameterizedTest
    @EnumSource(OptimumFixtures.class)
    void aSizeTheUnetCannotUpsampleBackIsRefusedBeforeRunning(OptimumFixtures export) {
        GenerationRequest request = GenerationRequest.textToImage("a photo of a cat", "", 72, 64, 2, 7.5, Scheduler.EULER, 5, 1);

        assertThatThrownBy(() -> run(export, request))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("not_multiple_of_stride"));
    }

    @ParameterizedTest
    @EnumSource(OptimumFixtures.class)
    void textToImageIsReproducibleToTheByte(OptimumFixtures export) {
        GenerationRequest request = GenerationRequest.textToImage("a red sports car", "blurry", 64, 64, 2, 7.5, Scheduler.DPMPP_2M, 11, 1);
        byte[] first = ImageCodec.png(run(export, request).get(0), Map.of());
        byte[] second = ImageCodec.png(run(export, request).get(0), Map.of());
        byte[] otherSeed = ImageCodec.png(run(export, GenerationRequest.textToImage("a red sports car", "blurry", 64, 64, 2, 7.5,
                Scheduler.DPMPP_2M, 12, 1)).get(0), Map.of());

        assertThat(second).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
    }

    @ParameterizedTest
    @EnumSource(OptimumFixtures.class)
    void imageToImageRunsThroughTheVaeEncoder(OptimumFixtures export) {
        BufferedImage input = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        GenerationRequest request = new GenerationRequest(JobKind.IMAGE_TO_IMAGE, "a photo of a cat", "", 64, 64, 4, 7.5, Scheduler.EULER,
                3, 1, input, null, 0.5, InpaintArea.FULL, 0, 0, null);

        BufferedImage image = run(export, request).get(0);

        assertThat(image.getWidth()).isEqualTo(64);
        assertThat(image.getHeight()).isEqualTo(64);
    }
}
