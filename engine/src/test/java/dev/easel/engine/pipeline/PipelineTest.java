package dev.easel.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.common.job.InpaintArea;
import dev.easel.common.job.JobKind;
import dev.easel.common.job.JobStage;
import dev.easel.common.job.OutpaintExtents;
import dev.easel.common.job.Scheduler;
import dev.easel.engine.GenerationCanceledException;
import dev.easel.engine.InvalidInputException;
import dev.easel.engine.TinyShapes;
import dev.easel.engine.image.ImageCodec;
import dev.easel.engine.image.Mask;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PipelineTest {

    private static Pipeline pipeline;

    @BeforeAll
    static void load() {
        pipeline = new Pipeline(TinyShapes.model(), 2);
    }

    private static GenerationRequest textToImage(String prompt, long seed) {
        return GenerationRequest.textToImage(prompt, "", 64, 64, 8, 5.0, Scheduler.EULER, seed, 1);
    }

    private static GenerationRequest request(JobKind kind, int width, int height, BufferedImage image, BufferedImage mask,
                                             double strength, InpaintArea area, int padding, int blur, OutpaintExtents outpaint) {
        return new GenerationRequest(kind, "a red circle", "", width, height, 8, 5.0, Scheduler.EULER, 7, 1,
                image, mask, strength, area, padding, blur, outpaint);
    }

    /** A white canvas with a blue square: an input whose untouched pixels are easy to recognise. */
    private static BufferedImage input(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(30, 70, 220));
        g.fillRect(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        for (int i = 0; i < width; i++) {
            image.setRGB(i, (i * 7) % height, 0x112233 + i);
        }
        return image;
    }

    private static BufferedImage maskImage(int width, int height, Rectangle area) {
        BufferedImage mask = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = mask.createGraphics();
        g.setColor(Color.WHITE);
        g.fill(area);
        g.dispose();
        return mask;
    }

    @Test
    void textToImageIsReproducibleToTheByte() {
        GenerationRequest request = textToImage("a large green square on a black background", 1234);
        byte[] first = ImageCodec.png(pipeline.generate(request, ProgressListener.NONE, () -> false).images().get(0), Map.of());
        byte[] second = ImageCodec.png(pipeline.generate(request, ProgressListener.NONE, () -> false).images().get(0), Map.of());
        assertThat(second).isEqualTo(first);
    }

    @Test
    void differentSeedsGiveDifferentImages() {
        BufferedImage a = pipeline.generate(textToImage("a blue star", 1), ProgressListener.NONE, () -> false).images().get(0);
        BufferedImage b = pipeline.generate(textToImage("a blue star", 2), ProgressListener.NONE, () -> false).images().get(0);
        assertThat(ImageCodec.png(a, Map.of())).isNotEqualTo(ImageCodec.png(b, Map.of()));
    }

    @Test
    void imageOfABatchEqualsTheSingleGenerationWithItsSeed() {
        GenerationRequest batch = GenerationRequest.textToImage("a pink triangle", "", 64, 64, 6, 5.0, Scheduler.EULER, 40, 3);
        Generation generated = pipeline.generate(batch, ProgressListener.NONE, () -> false);
        assertThat(generated.seeds()).containsExactly(40L, 41L, 42L);
        BufferedImage single = pipeline.generate(GenerationRequest.textToImage("a pink triangle", "", 64, 64, 6, 5.0, Scheduler.EULER, 41, 1),
                ProgressListener.NONE, () -> false).images().get(0);
        int maxDiff = 0;
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                int p = generated.images().get(1).getRGB(x, y);
                int q = single.getRGB(x, y);
                for (int s = 0; s < 24; s += 8) {
                    maxDiff = Math.max(maxDiff, Math.abs(((p >> s) & 0xFF) - ((q >> s) & 0xFF)));
                }
            }
        }
        // Batched and single ONNX calls may differ in the last float bits, never visibly.
        assertThat(maxDiff).isLessThanOrEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(value = Scheduler.class, names = {"EULER", "EULER_ANCESTRAL", "DDIM", "DPMPP_2M", "DPMPP_2M_KARRAS", "LCM"})
    void everySchedulerOfTheModelProducesAFiniteImage(Scheduler scheduler) {
        GenerationRequest request = GenerationRequest.textToImage("a yellow circle on a gray background", "", 64, 64, 6, 5.0, scheduler, 3, 1);
        BufferedImage image = pipeline.generate(request, ProgressListener.NONE, () -> false).images().get(0);
        assertThat(image.getWidth()).isEqualTo(64);
        assertThat(distinctColours(image)).isGreaterThan(1);
    }

    @Test
    void generatesNonSquareAndLargerCanvases() {
        GenerationRequest request = GenerationRequest.textToImage("a red square", "", 128, 64, 4, 5.0, Scheduler.EULER, 3, 1);
        BufferedImage image = pipeline.generate(request, ProgressListener.NONE, () -> false).images().get(0);
        assertThat(image.getWidth()).isEqualTo(128);
        assertThat(image.getHeight()).isEqualTo(64);
    }

    @Test
    void imageToImageStartsPartWayAndKeepsTheRequestedSize() {
        List<Integer> steps = new ArrayList<>();
        GenerationRequest request = request(JobKind.IMAGE_TO_IMAGE, 64, 64, input(96, 96), null, 0.5, InpaintArea.FULL, 0, 0, null);
        BufferedImage image = pipeline.generate(request, listener(new ArrayList<>(), steps, new AtomicInteger()), () -> false).images().get(0);
        assertThat(image.getWidth()).isEqualTo(64);
        assertThat(steps).containsExactly(1, 2, 3, 4); // strength 0.5 of 8 steps
    }

    @Test
    void inpaintFullKeepsEveryPixelOutsideTheFeatheredMask() {
        BufferedImage canvas = input(64, 64);
        Rectangle hole = new Rectangle(24, 24, 16, 16);
        BufferedImage out = pipeline.generate(request(JobKind.INPAINT, 64, 64, canvas, maskImage(64, 64, hole), 1.0,
                InpaintArea.FULL, 0, 4, null), ProgressListener.NONE, () -> false).images().get(0);
        assertUntouchedOutside(canvas, out, Mask.fromImage(maskImage(64, 64, hole)).feather(4));
        assertThat(changedPixels(canvas, out, hole)).isPositive();
    }

    @Test
    void inpaintMaskedDiffusesOnlyTheRegionAndPastesItBack() {
        BufferedImage canvas = input(192, 192);
        Rectangle hole = new Rectangle(100, 40, 24, 20);
        AtomicInteger previews = new AtomicInteger();
        BufferedImage out = pipeline.generate(request(JobKind.INPAINT, 192, 192, canvas, maskImage(192, 192, hole), 1.0,
                InpaintArea.MASKED, 8, 3, null), listener(new ArrayList<>(), new ArrayList<>(), previews), () -> false).images().get(0);
        assertThat(out.getWidth()).isEqualTo(192);
        assertUntouchedOutside(canvas, out, Mask.fromImage(maskImage(192, 192, hole)).feather(3));
        assertThat(changedPixels(canvas, out, hole)).isPositive();
        assertThat(previews.get()).isPositive();
    }

    @Test
    void outpaintGrowsTheCanvasAndKeepsTheOriginalAwayFromTheSeam() {
        BufferedImage original = input(64, 64);
        OutpaintExtents extents = new OutpaintExtents(32, 0, 0, 16);
        BufferedImage out = pipeline.generate(request(JobKind.OUTPAINT, 96, 80, original, null, 1.0, InpaintArea.FULL, 0,
                GenerationRequest.OUTPAINT_BLUR, extents), ProgressListener.NONE, () -> false).images().get(0);
        assertThat(out.getWidth()).isEqualTo(96);
        assertThat(out.getHeight()).isEqualTo(80);
        for (int y = 0; y < 64 - GenerationRequest.OUTPAINT_BLUR; y++) {
            for (int x = 32 + GenerationRequest.OUTPAINT_BLUR; x < 96; x++) {
                assertThat(out.getRGB(x, y)).as("original pixel %d,%d", x - 32, y).isEqualTo(original.getRGB(x - 32, y));
            }
        }
        assertThat(changedPixels(new BufferedImage(96, 80, BufferedImage.TYPE_INT_RGB), out, new Rectangle(0, 0, 32, 80))).isPositive();
    }

    @Test
    void reportsStagesStepsAndPreviews() {
        List<JobStage> stages = new ArrayList<>();
        List<Integer> steps = new ArrayList<>();
        AtomicInteger previews = new AtomicInteger();
        pipeline.generate(textToImage("a brown star", 5), listener(stages, steps, previews), () -> false);
        assertThat(stages).containsExactly(JobStage.ENCODING, JobStage.DENOISING, JobStage.DECODING);
        assertThat(steps).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(previews.get()).isEqualTo(4); // every 2 steps
    }

    @Test
    void cancelStopsBetweenSteps() {
        List<Integer> steps = new ArrayList<>();
        AtomicInteger polls = new AtomicInteger();
        assertThatThrownBy(() -> pipeline.generate(textToImage("a red circle", 1), listener(new ArrayList<>(), steps, new AtomicInteger()),
                () -> polls.incrementAndGet() > 3))
                .isInstanceOf(GenerationCanceledException.class);
        assertThat(steps).containsExactly(1, 2, 3);
    }

    @Test
    void rejectsSizesOffTheStrideOrAboveTheMaximum() {
        assertInvalid(GenerationRequest.textToImage("x", "", 60, 64, 4, 5, Scheduler.EULER, 1, 1), "not_multiple_of_stride", "width");
        assertInvalid(GenerationRequest.textToImage("x", "", 64, 512, 4, 5, Scheduler.EULER, 1, 1), "out_of_range", "height");
    }

    @Test
    void rejectsASchedulerTheModelCannotUse() {
        assertInvalid(GenerationRequest.textToImage("x", "", 64, 64, 4, 5, Scheduler.FLOW_EULER, 1, 1), "unsupported_scheduler", "scheduler");
    }

    @Test
    void rejectsAMaskOfAnotherSize() {
        assertInvalid(request(JobKind.INPAINT, 64, 64, input(64, 64), maskImage(32, 32, new Rectangle(0, 0, 8, 8)), 1.0,
                InpaintArea.FULL, 0, 0, null), "mask_mismatch", "mask");
    }

    @Test
    void rejectsAnEmptyMask() {
        assertInvalid(request(JobKind.INPAINT, 64, 64, input(64, 64), maskImage(64, 64, new Rectangle()), 1.0,
                InpaintArea.FULL, 0, 0, null), "mask_empty", "mask");
    }

    @Test
    void strengthZeroReturnsTheInputUnchanged() {
        BufferedImage canvas = input(64, 64);
        BufferedImage out = pipeline.generate(request(JobKind.IMAGE_TO_IMAGE, 64, 64, canvas, null, 0.0, InpaintArea.FULL, 0, 0, null),
                ProgressListener.NONE, () -> false).images().get(0);
        assertThat(changedPixels(canvas, out, new Rectangle(0, 0, 64, 64))).isZero();
    }

    private static void assertInvalid(GenerationRequest request, String code, String field) {
        assertThatThrownBy(() -> pipeline.generate(request, ProgressListener.NONE, () -> false))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.field()).isEqualTo(field);
                });
    }

    private static void assertUntouchedOutside(BufferedImage before, BufferedImage after, Mask feathered) {
        for (int y = 0; y < before.getHeight(); y++) {
            for (int x = 0; x < before.getWidth(); x++) {
                if (feathered.values()[y * before.getWidth() + x] == 0f) {
                    assertThat(after.getRGB(x, y)).as("pixel %d,%d outside the feathered mask", x, y).isEqualTo(before.getRGB(x, y));
                }
            }
        }
    }

    private static int changedPixels(BufferedImage a, BufferedImage b, Rectangle area) {
        int changed = 0;
        for (int y = area.y; y < area.y + area.height; y++) {
            for (int x = area.x; x < area.x + area.width; x++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    changed++;
                }
            }
        }
        return changed;
    }

    private static int distinctColours(BufferedImage image) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }

    private static ProgressListener listener(List<JobStage> stages, List<Integer> steps, AtomicInteger previews) {
        return new ProgressListener() {
            @Override
            public void stage(JobStage stage) {
                stages.add(stage);
            }

            @Override
            public void step(int step, int total, Supplier<BufferedImage> preview) {
                steps.add(step);
                if (preview != null) {
                    BufferedImage image = preview.get();
                    assertThat(image.getWidth()).isPositive();
                    previews.incrementAndGet();
                }
            }
        };
    }
}
