package dev.easel.common.validation;

import static dev.easel.common.validation.Violation.IMAGE_INVALID;
import static dev.easel.common.validation.Violation.IMAGE_TOO_LARGE;
import static dev.easel.common.validation.Violation.INVALID_TYPE;
import static dev.easel.common.validation.Violation.MASK_MISMATCH;
import static dev.easel.common.validation.Violation.NOT_ALLOWED_FOR_KIND;
import static dev.easel.common.validation.Violation.NOT_MULTIPLE_OF_STRIDE;
import static dev.easel.common.validation.Violation.OUT_OF_RANGE;
import static dev.easel.common.validation.Violation.REQUIRED;
import static dev.easel.common.validation.Violation.TOO_LARGE;
import static dev.easel.common.validation.Violation.TOO_LONG;
import static dev.easel.common.validation.Violation.UNKNOWN_FIELD;
import static dev.easel.common.validation.Violation.UNSUPPORTED_KIND;
import static dev.easel.common.validation.Violation.UNSUPPORTED_MODEL;
import static dev.easel.common.validation.Violation.UNSUPPORTED_SCHEDULER;
import static dev.easel.common.validation.Violation.UNSUPPORTED_VALUE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.easel.common.job.CacheMode;
import dev.easel.common.job.ImageRef;
import dev.easel.common.job.InpaintArea;
import dev.easel.common.job.JobKind;
import dev.easel.common.job.JobSpec;
import dev.easel.common.job.OutpaintExtents;
import dev.easel.common.job.Scheduler;
import dev.easel.common.json.JsonCodec;
import dev.easel.common.model.ModelLimits;
import dev.easel.common.model.StaticModelCatalog;
import java.util.EnumSet;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobRequestValidatorTest {

    static final ModelLimits TINY = new ModelLimits("tiny-shapes", "2025.1", 64, 64, 256, 256, 8, 20, 5.0,
            Scheduler.EULER, EnumSet.of(Scheduler.EULER, Scheduler.EULER_ANCESTRAL, Scheduler.DDIM, Scheduler.DPMPP_2M),
            EnumSet.allOf(JobKind.class));
    static final ModelLimits TEXT_ONLY = new ModelLimits("text-only", "3", 512, 512, 1024, 1024, 8, 30, 7.5,
            Scheduler.DDIM, EnumSet.of(Scheduler.DDIM, Scheduler.EULER), EnumSet.of(JobKind.TEXT_TO_IMAGE));
    static final StaticModelCatalog CATALOG = StaticModelCatalog.of(TINY, TEXT_ONLY);

    static final String UPLOADED_SHA = "ab".repeat(32);
    static final DataUrlImageInspector DATA_URLS = new DataUrlImageInspector();
    /** Data URLs as in production, plus one known upload, as the gateway's inspector would resolve it. */
    static final ImageInspector IMAGES = ref -> switch (ref) {
        case ImageRef.Upload upload when upload.id().equals("photo-1") -> new ImageInfo(64, 64, "image/png", UPLOADED_SHA);
        case ImageRef.Upload upload -> throw ImageRejectedException.invalid("upload " + upload.id() + " does not exist");
        case ImageRef.DataUrl dataUrl -> DATA_URLS.inspect(dataUrl);
    };
    static final LongSupplier SEED = () -> 4242L;

    // Placeholders keep the table readable; image data URLs are long.
    static final Map<String, String> PLACEHOLDERS = Map.of(
            "$IMG64", TestImages.pngDataUrl(64, 64),
            "$IMG60x52", TestImages.pngDataUrl(60, 52),
            "$IMG300x64", TestImages.pngDataUrl(300, 64),
            "$IMG256", TestImages.pngDataUrl(256, 256),
            "$IMG4", TestImages.pngDataUrl(4, 4),
            "$MASK32", TestImages.pngDataUrl(32, 32),
            "$BOMB", TestImages.dataUrl("image/png", TestImages.pngHeaderOnly(5000, 5000)),
            "$NOT_AN_IMAGE", TestImages.dataUrl("image/png", "hello".getBytes()),
            "$LONG", "x".repeat(JobRequestValidator.MAX_PROMPT_CODE_POINTS + 1),
            "$BIG", "x".repeat(JobRequestValidator.MAX_METADATA_BYTES));

    /** Parses JSON written with single quotes, after substituting the placeholders. */
    static JsonNode body(String json) {
        String text = json.replace('\'', '"');
        for (var placeholder : PLACEHOLDERS.entrySet()) {
            text = text.replace(placeholder.getKey(), placeholder.getValue());
        }
        try {
            return JsonCodec.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad test JSON: " + json, e);
        }
    }

    static JobSpec validate(String json) {
        return JobRequestValidator.validate(body(json), CATALOG, IMAGES, SEED);
    }

    static Arguments reject(String json, String field, String code) {
        return Arguments.of(json, field, code);
    }

    static Stream<Arguments> invalidRequests() {
        return Stream.of(
                // the body
                reject("[]", "", INVALID_TYPE),
                reject("'a red circle'", "", INVALID_TYPE),
                reject("{'prompt': 'x', 'colour': 'red'}", "", UNKNOWN_FIELD),
                reject("{'prompt': 'x', 'metadata': " + "{'a': ".repeat(9) + "1" + "}".repeat(9) + "}", "metadata", TOO_LARGE),
                // kind
                reject("{'prompt': 'x', 'kind': 'video'}", "kind", UNSUPPORTED_KIND),
                reject("{'prompt': 'x', 'kind': 3}", "kind", INVALID_TYPE),
                reject("{'model': 'text-only', 'kind': 'image-to-image', 'image': '$IMG64'}", "kind", UNSUPPORTED_KIND),
                // model
                reject("{'prompt': 'x', 'model': 'sdxl'}", "model", UNSUPPORTED_MODEL),
                reject("{'prompt': 'x', 'model': ''}", "model", UNSUPPORTED_MODEL),
                reject("{'prompt': 'x', 'model': ['tiny-shapes']}", "model", INVALID_TYPE),
                // prompt and negative_prompt
                reject("{}", "prompt", REQUIRED),
                reject("{'prompt': null}", "prompt", REQUIRED),
                reject("{'prompt': ' \\t\\n '}", "prompt", REQUIRED),
                reject("{'prompt': 5}", "prompt", INVALID_TYPE),
                reject("{'prompt': '$LONG'}", "prompt", TOO_LONG),
                reject("{'prompt': 'a\\u0000b'}", "prompt", UNSUPPORTED_VALUE),
                reject("{'prompt': 'a\\ud800b'}", "prompt", UNSUPPORTED_VALUE),
                reject("{'prompt': 'x', 'negative_prompt': '$LONG'}", "negative_prompt", TOO_LONG),
                reject("{'prompt': 'x', 'negative_prompt': false}", "negative_prompt", INVALID_TYPE),
                // width and height
                reject("{'prompt': 'x', 'width': 100}", "width", NOT_MULTIPLE_OF_STRIDE),
                reject("{'prompt': 'x', 'height': 60}", "height", NOT_MULTIPLE_OF_STRIDE),
                reject("{'prompt': 'x', 'width': 0}", "width", OUT_OF_RANGE),
                reject("{'prompt': 'x', 'width': -64}", "width", OUT_OF_RANGE),
                reject("{'prompt': 'x', 'width': 264}", "width", OUT_OF_RANGE),
                reject("{'prompt': 'x', 'height': 99999999999}", "height", OUT_OF_RANGE),
                reject("{'prompt': 'x', 'width': 'abc'}", "width", INVALID_TYPE),
                reject("{'prompt': 'x', 'height': 64.5}", "height", INVALID_TYPE),
                reject("{'kind': 'image-to-image', 'image': '$IMG300x64'}", "image", IMAGE_TOO_LARGE),
                reject("{'kind': 'image-to-image', 'image': '$IMG4'}", "image", OUT_OF_RANGE),
                // steps, guidance_scale, scheduler
                reject("{'prompt': 'x', 'steps': 0}", "steps", OUT_OF_RANGE),
                reject("{'prompt': 'x', 'steps': 151}", "steps", OUT_OF_RANGE),
                reject("{'prompt': 'x', 'steps': 'abc'}", "steps", INVALID_TYPE),
                reject("{'prompt': 'x', 'guidance_scale': -0.5}", "guidance_scale", OUT_OF_RANGE),
                reject("{'prompt': 'x', 'guidance_scale': 30.01}", "guidance_scale", OUT_OF_RANGE),
                reject("{'prompt': 'x', 'guidance_scale': 1e400}", "guidance_scale", OUT_OF_RANGE),
                reject("{'prompt': 'x', 'guidance_scale': 'high'}", "guidance_scale", INVALID_TYPE),
                reject("{'prompt': 'x', 'scheduler': 'plms'}", "scheduler", UNSUPPORTED_VALUE),
                reject("{'prompt': 'x', 'scheduler': 'EULER'}", "scheduler", UNSUPPORTED_VALUE),
                reject("{'prompt': 'x', 'scheduler': 'lcm'}", "scheduler", UNSUPPORTED_SCHEDULER),
                reject("{'prompt': 'x', 'model': 'text-only', 'scheduler': 'dpmpp_2m'}", "scheduler", UNSUPPORTED_SCHEDULER),
                // seed
                reject("{'prompt': 'x', 'seed': 1.5}", "seed", INVALID_TYPE),
                reject("{'prompt': 'x', 'seed': '42'}", "seed", INVALID_TYPE),
                reject("{'prompt': 'x', 'seed': 18446744073709551616}", "seed", INVALID_TYPE),
                reject("{'prompt': 'x', 'seed': 1e300}", "seed", INVALID_TYPE),
                // num_images
                reject("{'prompt': 'x', 'num_images': 0}", "num_images", OUT_OF_RANGE),
                reject("{'prompt': 'x', 'num_images': 5}", "num_images", OUT_OF_RANGE),
                // image
                reject("{'kind': 'image-to-image'}", "image", REQUIRED),
                reject("{'kind': 'inpaint', 'mask': '$IMG64'}", "image", REQUIRED),
                reject("{'kind': 'outpaint', 'outpaint': {'left': 8}}", "image", REQUIRED),
                reject("{'prompt': 'x', 'image': '$IMG64'}", "image", NOT_ALLOWED_FOR_KIND),
                reject("{'kind': 'image-to-image', 'image': 42}", "image", INVALID_TYPE),
                reject("{'kind': 'image-to-image', 'image': 'https://example.com/cat.png'}", "image", IMAGE_INVALID),
                reject("{'kind': 'image-to-image', 'image': 'data:image/png;base64,***'}", "image", IMAGE_INVALID),
                reject("{'kind': 'image-to-image', 'image': 'data:text/plain;base64,aGk='}", "image", IMAGE_INVALID),
                reject("{'kind': 'image-to-image', 'image': '$NOT_AN_IMAGE'}", "image", IMAGE_INVALID),
                reject("{'kind': 'image-to-image', 'image': 'upload:nope'}", "image", IMAGE_INVALID),
                reject("{'kind': 'image-to-image', 'image': 'upload:../etc/passwd'}", "image", IMAGE_INVALID),
                reject("{'kind': 'image-to-image', 'image': '$BOMB'}", "image", IMAGE_TOO_LARGE),
                // mask
                reject("{'kind': 'inpaint', 'image': '$IMG64'}", "mask", REQUIRED),
                reject("{'kind': 'image-to-image', 'image': '$IMG64', 'mask': '$IMG64'}", "mask", NOT_ALLOWED_FOR_KIND),
                reject("{'prompt': 'x', 'mask': '$IMG64'}", "mask", NOT_ALLOWED_FOR_KIND),
                reject("{'kind': 'inpaint', 'image': '$IMG64', 'mask': '$MASK32'}", "mask", MASK_MISMATCH),
                reject("{'prompt': 'x', 'cache': 'similar', 'seed': 3}", "cache", UNSUPPORTED_VALUE),
                reject("{'kind': 'inpaint', 'image': '$IMG64', 'mask': 'upload:nope'}", "mask", IMAGE_INVALID),
                // strength
                reject("{'kind': 'image-to-image', 'image': '$IMG64', 'strength': 1.5}", "strength", OUT_OF_RANGE),
                reject("{'kind': 'inpaint', 'image': '$IMG64', 'mask': '$IMG64', 'strength': -0.1}", "strength", OUT_OF_RANGE),
                reject("{'kind': 'image-to-image', 'image': '$IMG64', 'strength': '0.5'}", "strength", INVALID_TYPE),
                reject("{'prompt': 'x', 'strength': 0.5}", "strength", NOT_ALLOWED_FOR_KIND),
                reject("{'kind': 'outpaint', 'image': '$IMG64', 'outpaint': {'left': 8}, 'strength': 0.5}", "strength", NOT_ALLOWED_FOR_KIND),
                // inpaint_area, mask_padding, mask_blur
                reject("{'kind': 'inpaint', 'image': '$IMG64', 'mask': '$IMG64', 'inpaint_area': 'crop'}", "inpaint_area", UNSUPPORTED_VALUE),
                reject("{'kind': 'image-to-image', 'image': '$IMG64', 'inpaint_area': 'masked'}", "inpaint_area", NOT_ALLOWED_FOR_KIND),
                reject("{'kind': 'inpaint', 'image': '$IMG64', 'mask': '$IMG64', 'mask_padding': 257}", "mask_padding", OUT_OF_RANGE),
                reject("{'kind': 'inpaint', 'image': '$IMG64', 'mask': '$IMG64', 'mask_padding': -1}", "mask_padding", OUT_OF_RANGE),
                reject("{'prompt': 'x', 'mask_padding': 8}", "mask_padding", NOT_ALLOWED_FOR_KIND),
                reject("{'kind': 'inpaint', 'image': '$IMG64', 'mask': '$IMG64', 'mask_blur': 65}", "mask_blur", OUT_OF_RANGE),
                reject("{'kind': 'image-to-image', 'image': '$IMG64', 'mask_blur': 2}", "mask_blur", NOT_ALLOWED_FOR_KIND),
                // outpaint
                reject("{'kind': 'outpaint', 'image': '$IMG64'}", "outpaint", REQUIRED),
                reject("{'prompt': 'x', 'outpaint': {'left': 8}}", "outpaint", NOT_ALLOWED_FOR_KIND),
                reject("{'kind': 'outpaint', 'image': '$IMG64', 'outpaint': {}}", "outpaint", OUT_OF_RANGE),
                reject("{'kind': 'outpaint', 'image': '$IMG64', 'outpaint': {'left': 0, 'top': 0}}", "outpaint", OUT_OF_RANGE),
                reject("{'kind': 'outpaint', 'image': '$IMG64', 'outpaint': [8, 8, 0, 0]}", "outpaint", INVALID_TYPE),
                reject("{'kind': 'outpaint', 'image': '$IMG64', 'outpaint': {'left': -8, 'right': 16}}", "outpaint.left", OUT_OF_RANGE),
                reject("{'kind': 'outpaint', 'image': '$IMG64', 'outpaint': {'top': '8'}}", "outpaint.top", INVALID_TYPE),
                reject("{'kind': 'outpaint', 'image': '$IMG64', 'outpaint': {'left': 8, 'middle': 8}}", "outpaint", UNKNOWN_FIELD),
                reject("{'kind': 'outpaint', 'image': '$IMG64', 'outpaint': {'left': 4}}", "outpaint.left", NOT_MULTIPLE_OF_STRIDE),
                reject("{'kind': 'outpaint', 'image': '$IMG64', 'outpaint': {'left': 8, 'bottom': 12}}", "outpaint.bottom", NOT_MULTIPLE_OF_STRIDE),
                reject("{'kind': 'outpaint', 'image': '$IMG256', 'outpaint': {'right': 8}}", "outpaint.right", OUT_OF_RANGE),
                // start_deadline_seconds, cache, metadata
                reject("{'prompt': 'x', 'start_deadline_seconds': 0}", "start_deadline_seconds", OUT_OF_RANGE),
                reject("{'prompt': 'x', 'start_deadline_seconds': 86401}", "start_deadline_seconds", OUT_OF_RANGE),
                reject("{'prompt': 'x', 'start_deadline_seconds': 'soon'}", "start_deadline_seconds", INVALID_TYPE),
                reject("{'prompt': 'x', 'cache': 'always'}", "cache", UNSUPPORTED_VALUE),
                reject("{'prompt': 'x', 'cache': true}", "cache", INVALID_TYPE),
                reject("{'prompt': 'x', 'metadata': []}", "metadata", INVALID_TYPE),
                reject("{'prompt': 'x', 'metadata': 'order-7'}", "metadata", INVALID_TYPE),
                reject("{'prompt': 'x', 'metadata': {'note': '$BIG'}}", "metadata", TOO_LARGE),
                reject("{'prompt': 'x', 'metadata': {'tags': ['a', 'b\\u0000']}}", "metadata", UNSUPPORTED_VALUE));
    }

    @ParameterizedTest(name = "{1} {2}: {0}")
    @MethodSource("invalidRequests")
    void rejectsTheFieldWithItsCode(String json, String field, String code) {
        assertThatThrownBy(() -> validate(json))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.violations())
                        .extracting(Violation::field, Violation::code)
                        .containsExactly(tuple(field, code)));
    }

    @Test
    void unknownFieldsAreCountedNeverEchoed() {
        String name = "x".repeat(200);
        assertThatThrownBy(() -> validate("{'prompt': 'x', '" + name + "1': 1, '" + name + "2': 2}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.violations()).hasSize(1);
                    assertThat(e.violations().getFirst().field()).isEmpty();
                    assertThat(e.violations().getFirst().message()).startsWith("2 field(s)").doesNotContain(name);
                });
    }

    @Test
    void metadataMayNestEightLevels() {
        assertThat(validate("{'prompt': 'x', 'metadata': " + "{'a': ".repeat(8) + "1" + "}".repeat(8) + "}").metadata())
                .isNotNull();
    }

    @Test
    void reportsEveryBadFieldAtOnce() {
        String json = "{'prompt': '', 'steps': 0, 'width': 100, 'scheduler': 'plms', 'seed': 1.5, 'colour': 1,"
                + " 'metadata': [], 'image': '$IMG64', 'outpaint': {'left': -1}}";

        assertThatThrownBy(() -> validate(json))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.violations())
                            .extracting(Violation::field, Violation::code)
                            .containsExactlyInAnyOrder(
                                    tuple("prompt", REQUIRED),
                                    tuple("steps", OUT_OF_RANGE),
                                    tuple("width", NOT_MULTIPLE_OF_STRIDE),
                                    tuple("scheduler", UNSUPPORTED_VALUE),
                                    tuple("seed", INVALID_TYPE),
                                    tuple("", UNKNOWN_FIELD),
                                    tuple("metadata", INVALID_TYPE),
                                    tuple("image", NOT_ALLOWED_FOR_KIND),
                                    tuple("outpaint", NOT_ALLOWED_FOR_KIND));
                    assertThat(e.code()).isEqualTo(InvalidRequestException.INVALID_REQUEST);
                    assertThat(e.violations()).allSatisfy(v -> assertThat(v.message()).isNotBlank());
                });
    }

    @Test
    void anUnknownModelGivesTheProblemItsCodeAndSkipsModelChecks() {
        assertThatThrownBy(() -> validate("{'model': 'sdxl', 'prompt': 'x', 'width': 100, 'steps': 0}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.code()).isEqualTo(UNSUPPORTED_MODEL);
                    assertThat(e.violations()).extracting(Violation::field).containsExactly("model", "steps");
                });
    }

    @Test
    void appliesTextToImageDefaultsFromTheModel() {
        JobSpec spec = validate("{'prompt': 'a red circle'}");

        assertThat(spec).isEqualTo(new JobSpec(JobKind.TEXT_TO_IMAGE, "tiny-shapes", "a red circle", "", 64, 64, 20,
                5.0, Scheduler.EULER, 4242L, 1, null, null, null, null, null, null, null, null, CacheMode.USE, null));
        assertThat(spec.metadata().isEmpty()).isTrue();
    }

    @Test
    void reportsTheFactsTheCacheNeeds() {
        ValidatedRequest seedless = JobRequestValidator.validateRequest(body("{'prompt': 'x', 'cache': 'similar'}"),
                CATALOG, IMAGES, SEED);
        assertThat(seedless.seedPinned()).isFalse();
        assertThat(seedless.spec().seed()).isEqualTo(4242L);
        assertThat(seedless.modelVersion()).isEqualTo(CATALOG.find("tiny-shapes").orElseThrow().version());
        assertThat(seedless.imageSha256()).isNull();

        ValidatedRequest inpaint = JobRequestValidator.validateRequest(body(
                "{'kind': 'inpaint', 'prompt': 'x', 'seed': 0, 'image': 'upload:photo-1', 'mask': '$IMG64'}"),
                CATALOG, IMAGES, SEED);
        assertThat(inpaint.seedPinned()).isTrue();
        assertThat(inpaint.imageSha256()).isEqualTo(UPLOADED_SHA);
        assertThat(inpaint.maskSha256()).hasSize(64).isNotEqualTo(UPLOADED_SHA);
    }

    @Test
    void appliesTheDefaultsOfTheNamedModel() {
        JobSpec spec = validate("{'prompt': 'x', 'model': 'text-only'}");

        assertThat(spec.model()).isEqualTo("text-only");
        assertThat(spec).extracting(JobSpec::width, JobSpec::height, JobSpec::steps, JobSpec::guidanceScale, JobSpec::scheduler)
                .containsExactly(512, 512, 30, 7.5, Scheduler.DDIM);
    }

    @Test
    void keepsEveryExplicitValue() {
        JobSpec spec = JobRequestValidator.validate(body("""
                {'kind': 'text-to-image', 'model': 'tiny-shapes', 'prompt': 'p', 'negative_prompt': 'n',
                 'width': 128, 'height': 8, 'steps': 150, 'guidance_scale': 0, 'scheduler': 'ddim', 'seed': -7,
                 'num_images': 4, 'start_deadline_seconds': 86400, 'cache': 'bypass', 'metadata': {'order': 7}}
                """), CATALOG, IMAGES, () -> {
                    throw new AssertionError("the request has a seed");
                });

        assertThat(spec).extracting(JobSpec::negativePrompt, JobSpec::width, JobSpec::height, JobSpec::steps,
                        JobSpec::guidanceScale, JobSpec::scheduler, JobSpec::seed, JobSpec::numImages,
                        JobSpec::startDeadlineSeconds, JobSpec::cache)
                .containsExactly("n", 128, 8, 150, 0.0, Scheduler.DDIM, -7L, 4, 86400, CacheMode.BYPASS);
        assertThat(spec.metadata().get("order").intValue()).isEqualTo(7);
    }

    @Test
    void acceptsIntegersWrittenAsFloatsAndExtremeSeeds() {
        assertThat(validate("{'prompt': 'x', 'width': 128.0, 'seed': 9223372036854775807}"))
                .extracting(JobSpec::width, JobSpec::seed)
                .containsExactly(128, Long.MAX_VALUE);
        assertThat(validate("{'prompt': 'x', 'seed': -9223372036854775808}").seed()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void countsPromptLengthInCodePoints() {
        String emoji = "🎨".repeat(JobRequestValidator.MAX_PROMPT_CODE_POINTS);
        assertThat(validate("{'prompt': '" + emoji + "'}").prompt()).isEqualTo(emoji);
    }

    @Test
    void appliesImageToImageDefaultsAndCropsTheImageSizeToTheStride() {
        JobSpec spec = validate("{'kind': 'image-to-image', 'image': '$IMG60x52'}");

        assertThat(spec).extracting(JobSpec::kind, JobSpec::prompt, JobSpec::width, JobSpec::height, JobSpec::strength,
                        JobSpec::mask, JobSpec::inpaintArea, JobSpec::outpaint)
                .containsExactly(JobKind.IMAGE_TO_IMAGE, "", 56, 48, 0.75, null, null, null);
        assertThat(spec.image().wire()).isEqualTo(PLACEHOLDERS.get("$IMG60x52"));
    }

    @Test
    void resizesAnImageLargerThanTheModelWhenTheSizeIsGiven() {
        JobSpec spec = validate("{'kind': 'image-to-image', 'image': '$IMG300x64', 'width': 256, 'height': 64}");
        assertThat(spec).extracting(JobSpec::width, JobSpec::height).containsExactly(256, 64);
    }

    @Test
    void resolvesUploadsThroughTheInspector() {
        JobSpec spec = validate("{'kind': 'image-to-image', 'prompt': 'watercolor', 'image': 'upload:photo-1', 'strength': 0.3}");
        assertThat(spec.image()).isEqualTo(new ImageRef.Upload("photo-1"));
        assertThat(spec.strength()).isEqualTo(0.3);
    }

    @Test
    void appliesInpaintDefaults() {
        JobSpec spec = validate("{'kind': 'inpaint', 'prompt': 'a cat', 'image': '$IMG64', 'mask': '$IMG64'}");

        assertThat(spec).extracting(JobSpec::width, JobSpec::height, JobSpec::strength, JobSpec::inpaintArea,
                        JobSpec::maskPadding, JobSpec::maskBlur, JobSpec::outpaint)
                .containsExactly(64, 64, 0.75, InpaintArea.FULL, 32, 4, null);
        assertThat(spec.mask()).isNotNull();
    }

    @Test
    void keepsExplicitInpaintSettings() {
        JobSpec spec = validate("{'kind': 'inpaint', 'image': '$IMG64', 'mask': '$IMG64', 'inpaint_area': 'masked',"
                + " 'mask_padding': 0, 'mask_blur': 64, 'strength': 1}");
        assertThat(spec).extracting(JobSpec::inpaintArea, JobSpec::maskPadding, JobSpec::maskBlur, JobSpec::strength)
                .containsExactly(InpaintArea.MASKED, 0, 64, 1.0);
    }

    @Test
    void appliesOutpaintDefaultsAndGrowsTheCanvas() {
        JobSpec spec = validate("{'kind': 'outpaint', 'image': '$IMG64', 'outpaint': {'left': 32, 'bottom': 16}}");

        assertThat(spec).extracting(JobSpec::width, JobSpec::height, JobSpec::outpaint, JobSpec::strength, JobSpec::mask)
                .containsExactly(96, 80, new OutpaintExtents(32, 0, 0, 16), null, null);
    }

    @Test
    void aTypeErrorIsReportedOnceNotAlsoAsMissing() {
        assertThatThrownBy(() -> validate("{'kind': 'inpaint', 'image': 1, 'mask': '$IMG64'}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.violations())
                        .extracting(Violation::field, Violation::code)
                        .containsExactly(tuple("image", INVALID_TYPE)));
    }
}
