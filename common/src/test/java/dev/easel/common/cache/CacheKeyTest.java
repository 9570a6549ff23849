package dev.easel.common.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.common.job.CacheMode;
import dev.easel.common.job.ImageRef;
import dev.easel.common.job.InpaintArea;
import dev.easel.common.job.JobKind;
import dev.easel.common.job.JobSpec;
import dev.easel.common.job.OutpaintExtents;
import dev.easel.common.job.Scheduler;
import dev.easel.common.json.JsonCodec;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CacheKeyTest {

    static final String IMAGE_SHA = "1f".repeat(32);
    static final String MASK_SHA = "2e".repeat(32);

    /** The inputs of one cache key, so that each test changes exactly one of them. */
    record Input(JobSpec spec, String tenant, String modelVersion, String imageSha, String maskSha) {
        CacheKey key() {
            return CacheKey.exact(spec, tenant, modelVersion, imageSha, maskSha);
        }

        Input with(Consumer<Spec> change) {
            Spec copy = Spec.of(spec);
            change.accept(copy);
            return new Input(copy.build(), tenant, modelVersion, imageSha, maskSha);
        }
    }

    /** A mutable copy of a spec's fields for building variants. */
    static final class Spec {
        JobKind kind;
        String model;
        String prompt;
        String negativePrompt;
        int width;
        int height;
        int steps;
        double guidance;
        Scheduler scheduler;
        long seed;
        int numImages;
        ImageRef image;
        ImageRef mask;
        Double strength;
        InpaintArea area;
        Integer padding;
        Integer blur;
        OutpaintExtents outpaint;
        Integer deadline;
        CacheMode cache;

        static Spec of(JobSpec s) {
            var b = new Spec();
            b.kind = s.kind();
            b.model = s.model();
            b.prompt = s.prompt();
            b.negativePrompt = s.negativePrompt();
            b.width = s.width();
            b.height = s.height();
            b.steps = s.steps();
            b.guidance = s.guidanceScale();
            b.scheduler = s.scheduler();
            b.seed = s.seed();
            b.numImages = s.numImages();
            b.image = s.image();
            b.mask = s.mask();
            b.strength = s.strength();
            b.area = s.inpaintArea();
            b.padding = s.maskPadding();
            b.blur = s.maskBlur();
            b.outpaint = s.outpaint();
            b.deadline = s.startDeadlineSeconds();
            b.cache = s.cache();
            return b;
        }

        JobSpec build() {
            return new JobSpec(kind, model, prompt, negativePrompt, width, height, steps, guidance, scheduler, seed,
                    numImages, image, mask, strength, area, padding, blur, outpaint, deadline, cache, null);
        }
    }

    static final Input TEXT = new Input(new JobSpec(JobKind.TEXT_TO_IMAGE, "tiny-shapes", "a red circle", "blurry",
            64, 64, 20, 7.5, Scheduler.EULER, 42, 1, null, null, null, null, null, null, null, null, CacheMode.USE,
            null), null, "2025.1", null, null);
    static final Input INPAINT = new Input(new JobSpec(JobKind.INPAINT, "tiny-shapes", "a cat", "", 64, 64, 20, 7.5,
            Scheduler.EULER, 42, 1, new ImageRef.Upload("img"), new ImageRef.Upload("mask"), 0.75, InpaintArea.FULL,
            32, 4, null, null, CacheMode.USE, null), "tenant-a", "2025.1", IMAGE_SHA, MASK_SHA);
    static final Input OUTPAINT = new Input(new JobSpec(JobKind.OUTPAINT, "tiny-shapes", "sea", "", 96, 64, 20, 7.5,
            Scheduler.EULER, 42, 1, new ImageRef.Upload("img"), null, null, null, null, null,
            new OutpaintExtents(32, 0, 0, 0), null, CacheMode.USE, null), null, "2025.1", IMAGE_SHA, null);

    static Stream<Arguments> sameResult() {
        return Stream.of(
                Arguments.of("case and spacing", TEXT, TEXT.with(b -> b.prompt = "A  Red CIRCLE")),
                Arguments.of("full-width letters", TEXT, TEXT.with(b -> b.prompt = "Ａ　ＲＥＤ　ｃｉｒｃｌｅ")),
                Arguments.of("negative prompt spacing", TEXT, TEXT.with(b -> b.negativePrompt = " BLURRY\n")),
                Arguments.of("Chinese full-width comma", zh("红色的圆形，蓝色背景"), zh("红色的圆形, 蓝色背景")),
                Arguments.of("Chinese spaces and full stop", zh("红色的圆形，蓝色背景"), zh("红色的 圆形，蓝色背景。")),
                Arguments.of("Chinese ideographic spaces", zh("红色的圆形，蓝色背景"), zh("　红色的圆形　，　蓝色背景　")),
                Arguments.of("Chinese enumeration comma", zh("猫、狗"), zh("猫,狗")),
                Arguments.of("start deadline", TEXT, TEXT.with(b -> b.deadline = 60)),
                Arguments.of("cache mode", TEXT, TEXT.with(b -> b.cache = CacheMode.BYPASS)),
                Arguments.of("image transport", INPAINT, INPAINT.with(b -> b.image = new ImageRef.Upload("other"))),
                Arguments.of("hash letter case", INPAINT, new Input(INPAINT.spec(), INPAINT.tenant(), INPAINT.modelVersion(),
                        IMAGE_SHA.toUpperCase(), MASK_SHA)));
    }

    static Input zh(String prompt) {
        return TEXT.with(b -> b.prompt = prompt);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sameResult")
    void givesEqualKeysForEquivalentRequests(String name, Input a, Input b) {
        assertThat(b.key()).isEqualTo(a.key());
    }

    static Stream<Arguments> differentResult() {
        return Stream.of(
                Arguments.of("prompt", TEXT, TEXT.with(b -> b.prompt = "a red square")),
                Arguments.of("Chinese prompt", zh("红色的圆形"), zh("蓝色的圆形")),
                Arguments.of("prompt moved into negative", TEXT,
                        TEXT.with(b -> { b.prompt = "a red circleblurry"; b.negativePrompt = ""; })),
                Arguments.of("negative prompt", TEXT, TEXT.with(b -> b.negativePrompt = "noisy")),
                Arguments.of("seed", TEXT, TEXT.with(b -> b.seed = 43)),
                Arguments.of("width", TEXT, TEXT.with(b -> b.width = 128)),
                Arguments.of("height", TEXT, TEXT.with(b -> b.height = 128)),
                Arguments.of("width and height swapped", TEXT.with(b -> b.width = 128),
                        TEXT.with(b -> b.height = 128)),
                Arguments.of("steps", TEXT, TEXT.with(b -> b.steps = 21)),
                Arguments.of("guidance", TEXT, TEXT.with(b -> b.guidance = 7.0)),
                Arguments.of("scheduler", TEXT, TEXT.with(b -> b.scheduler = Scheduler.DDIM)),
                Arguments.of("number of images", TEXT, TEXT.with(b -> b.numImages = 2)),
                Arguments.of("model", TEXT, TEXT.with(b -> b.model = "other-model")),
                Arguments.of("model version", TEXT, new Input(TEXT.spec(), null, "2025.2", null, null)),
                Arguments.of("tenant", TEXT, new Input(TEXT.spec(), "tenant-a", TEXT.modelVersion(), null, null)),
                Arguments.of("no tenant vs empty tenant", TEXT, new Input(TEXT.spec(), "", TEXT.modelVersion(), null, null)),
                Arguments.of("tenant vs tenant", INPAINT, new Input(INPAINT.spec(), "tenant-b", INPAINT.modelVersion(),
                        IMAGE_SHA, MASK_SHA)),
                Arguments.of("strength", INPAINT, INPAINT.with(b -> b.strength = 0.5)),
                Arguments.of("inpaint area", INPAINT, INPAINT.with(b -> b.area = InpaintArea.MASKED)),
                Arguments.of("mask padding", INPAINT, INPAINT.with(b -> b.padding = 16)),
                Arguments.of("mask blur", INPAINT, INPAINT.with(b -> b.blur = 8)),
                Arguments.of("image hash", INPAINT, new Input(INPAINT.spec(), INPAINT.tenant(), INPAINT.modelVersion(),
                        "3d".repeat(32), MASK_SHA)),
                Arguments.of("mask hash", INPAINT, new Input(INPAINT.spec(), INPAINT.tenant(), INPAINT.modelVersion(),
                        IMAGE_SHA, "3d".repeat(32))),
                Arguments.of("image and mask hashes swapped", INPAINT, new Input(INPAINT.spec(), INPAINT.tenant(),
                        INPAINT.modelVersion(), MASK_SHA, IMAGE_SHA)),
                Arguments.of("outpaint side", OUTPAINT, OUTPAINT.with(b -> b.outpaint = new OutpaintExtents(0, 32, 0, 0))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("differentResult")
    void givesDifferentKeysWhenThePixelsCouldDiffer(String name, Input a, Input b) {
        assertThat(b.key()).isNotEqualTo(a.key());
    }

    @Test
    void ignoresMetadata() {
        var withMetadata = new JobSpec(JobKind.TEXT_TO_IMAGE, "tiny-shapes", "a red circle", "blurry", 64, 64, 20, 7.5,
                Scheduler.EULER, 42, 1, null, null, null, null, null, null, null, null, CacheMode.USE,
                JsonCodec.mapper().createObjectNode().put("order", 7));
        assertThat(CacheKey.exact(withMetadata, null, "2025.1", null, null)).isEqualTo(TEXT.key());
    }

    @Test
    void isStableAcrossReleases() {
        // Changing this value orphans every cached result: bump the encoding version deliberately instead.
        assertThat(TEXT.key().hex()).isEqualTo("33ed74858a0f461aae0d0d7f7a2320c3a34cc29538b5e79670fc85ce713b042b");
    }

    @Test
    void anySeedKeyIgnoresOnlyTheSeed() {
        Input reseeded = TEXT.with(b -> b.seed = 43);
        assertThat(anySeed(reseeded)).isEqualTo(anySeed(TEXT));
        assertThat(anySeed(TEXT.with(b -> b.prompt = "A  Red Circle."))).isEqualTo(anySeed(TEXT));
        assertThat(anySeed(TEXT.with(b -> b.prompt = "a blue circle"))).isNotEqualTo(anySeed(TEXT));
        assertThat(anySeed(TEXT.with(b -> b.steps = 21))).isNotEqualTo(anySeed(TEXT));
        assertThat(anySeed(TEXT)).isNotEqualTo(TEXT.key());
    }

    private static CacheKey anySeed(Input in) {
        return CacheKey.anySeed(in.spec(), in.tenant(), in.modelVersion(), in.imageSha(), in.maskSha());
    }

    @Test
    void similarScopeIgnoresThePromptAndTheSeedButNothingElse() {
        assertThat(similar(TEXT.with(b -> b.prompt = "a blue square"))).isEqualTo(similar(TEXT));
        assertThat(similar(TEXT.with(b -> b.seed = 43))).isEqualTo(similar(TEXT));
        assertThat(similar(TEXT.with(b -> b.steps = 21))).isNotEqualTo(similar(TEXT));
        assertThat(similar(TEXT.with(b -> b.negativePrompt = "dark"))).isNotEqualTo(similar(TEXT));
        assertThat(similar(new Input(TEXT.spec(), "acme", TEXT.modelVersion(), null, null))).isNotEqualTo(similar(TEXT));
        assertThat(similar(TEXT)).isNotEqualTo(anySeed(TEXT)).isNotEqualTo(TEXT.key());
    }

    private static CacheKey similar(Input in) {
        return CacheKey.similarScope(in.spec(), in.tenant(), in.modelVersion(), in.imageSha(), in.maskSha());
    }

    @Test
    void needsTheHashOfEveryInputImage() {
        assertThatThrownBy(() -> CacheKey.exact(INPAINT.spec(), null, "1", IMAGE_SHA, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CacheKey.exact(TEXT.spec(), null, "1", IMAGE_SHA, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CacheKey.exact(OUTPAINT.spec(), null, "1", "not-a-hash", null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
