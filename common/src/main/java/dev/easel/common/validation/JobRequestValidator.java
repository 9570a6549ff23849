package dev.easel.common.validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.common.job.CacheMode;
import dev.easel.common.job.ImageRef;
import dev.easel.common.job.InpaintArea;
import dev.easel.common.job.JobKind;
import dev.easel.common.job.JobRequest;
import dev.easel.common.job.JobSpec;
import dev.easel.common.job.OutpaintExtents;
import dev.easel.common.job.Scheduler;
import dev.easel.common.json.JsonCodec;
import dev.easel.common.model.ModelCatalog;
import dev.easel.common.model.ModelLimits;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Turns a {@code POST /v1/jobs} body into a {@link JobSpec}: parses it, checks every rule of the job request
 * contract, fills in defaults, and reports all violations together.
 */
public final class JobRequestValidator {

    public static final int MAX_PROMPT_CODE_POINTS = 2000;
    public static final int MIN_STEPS = 1;
    public static final int MAX_STEPS = 150;
    public static final double MAX_GUIDANCE_SCALE = 30;
    public static final int MAX_NUM_IMAGES = 4;
    public static final double DEFAULT_STRENGTH = 0.75;
    public static final int DEFAULT_MASK_PADDING = 32;
    public static final int MAX_MASK_PADDING = 256;
    public static final int DEFAULT_MASK_BLUR = 4;
    public static final int MAX_MASK_BLUR = 64;
    public static final int MAX_START_DEADLINE_SECONDS = 86_400;
    public static final int MAX_METADATA_BYTES = 4096;
    /**
     * How many times the model's largest side an outpaint canvas may grow to when {@code width} and {@code height}
     * ask to resize it: the canvas is built whole before it is resized.
     */
    public static final int MAX_CANVAS_SCALE = 4;
    /** How deep {@code metadata} may nest: an object holding objects holding values is 2. */
    public static final int MAX_METADATA_DEPTH = 8;

    private final JobRequest request;
    private final ModelCatalog catalog;
    private final ImageInspector images;
    // One violation per field: the first is the most basic (a type error hides the range check behind it).
    private final Map<String, Violation> violations = new LinkedHashMap<>();

    private JobKind kind;
    private ModelLimits model;
    private ImageInfo imageInfo;
    private ImageInfo maskInfo;

    private JobRequestValidator(JobRequestParser.Parsed parsed, ModelCatalog catalog, ImageInspector images) {
        this.request = parsed.request();
        this.catalog = catalog;
        this.images = images;
        parsed.violations().forEach(this::add);
    }

    /**
     * @param seedSource supplies the seed when the request has none (a random non-negative value)
     * @throws InvalidRequestException listing every violation when the request is not valid
     */
    public static JobSpec validate(JsonNode body, ModelCatalog catalog, ImageInspector images, LongSupplier seedSource) {
        return validateRequest(body, catalog, images, seedSource).spec();
    }

    /**
     * As {@link #validate}, also returning what validation learned on the way: the model version, the input
     * images' facts and whether the client chose the seed (what the result cache needs).
     */
    public static ValidatedRequest validateRequest(JsonNode body, ModelCatalog catalog, ImageInspector images,
                                                   LongSupplier seedSource) {
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(seedSource, "seedSource");
        JobRequestParser.Parsed parsed = JobRequestParser.parse(body);
        // A body that is not an object has no fields to check; unknown fields leave the known ones checkable.
        if (parsed.violations().stream().anyMatch(v -> v.field().equals(Violation.BODY)
                && !v.code().equals(Violation.UNKNOWN_FIELD))) {
            throw new InvalidRequestException(parsed.violations());
        }
        return new JobRequestValidator(parsed, catalog, images).run(seedSource);
    }

    private ValidatedRequest run(LongSupplier seedSource) {
        kind = kind();
        model = model();
        String prompt = prompt();
        String negativePrompt = text("negative_prompt", request.negativePrompt());
        ImageRef image = image();
        ImageRef mask = mask(image);
        OutpaintExtents outpaint = outpaint();
        int width = side(Axis.WIDTH, request.width(), outpaint);
        int height = side(Axis.HEIGHT, request.height(), outpaint);
        int steps = range("steps", request.steps(), model == null ? MIN_STEPS : model.defaultSteps(), MIN_STEPS, MAX_STEPS);
        double guidance = guidanceScale();
        Scheduler scheduler = scheduler();
        int numImages = range("num_images", request.numImages(), 1, 1, MAX_NUM_IMAGES);
        Double strength = strength();
        InpaintArea inpaintArea = inpaintOnly("inpaint_area", request.inpaintArea(), this::inpaintArea);
        Integer maskPadding = inpaintOnly("mask_padding", request.maskPadding(),
                value -> range("mask_padding", value, DEFAULT_MASK_PADDING, 0, MAX_MASK_PADDING));
        Integer maskBlur = inpaintOnly("mask_blur", request.maskBlur(),
                value -> range("mask_blur", value, DEFAULT_MASK_BLUR, 0, MAX_MASK_BLUR));
        Integer startDeadline = request.startDeadlineSeconds() == null
                ? null
                : range("start_deadline_seconds", request.startDeadlineSeconds(), 0, 1, MAX_START_DEADLINE_SECONDS);
        CacheMode cache = cache();
        ObjectNode metadata = metadata();

        if (!violations.isEmpty()) {
            throw new InvalidRequestException(new ArrayList<>(violations.values()));
        }
        boolean seedPinned = request.seed() != null;
        long seed = seedPinned ? request.seed() : seedSource.getAsLong();
        JobSpec spec = new JobSpec(kind, model.id(), prompt, negativePrompt, width, height, steps, guidance, scheduler,
                seed, numImages, image, mask, strength, inpaintArea, maskPadding, maskBlur, outpaint, startDeadline,
                cache, metadata);
        return new ValidatedRequest(spec, model.version(), seedPinned, imageInfo, maskInfo);
    }

    private void add(Violation violation) {
        violations.putIfAbsent(violation.field(), violation);
    }

    private void add(String field, String code, String message) {
        add(new Violation(field, code, message));
    }

    private JobKind kind() {
        if (request.kind() == null) {
            return JobKind.TEXT_TO_IMAGE;
        }
        return JobKind.fromWire(request.kind()).orElseGet(() -> {
            add("kind", Violation.UNSUPPORTED_KIND, "must be one of " + wireNames(List.of(JobKind.values()), JobKind::wireName));
            return null;
        });
    }

    private ModelLimits model() {
        String id = request.model() != null ? request.model() : catalog.defaultModel();
        ModelLimits found = catalog.find(id).orElse(null);
        if (found == null) {
            add("model", Violation.UNSUPPORTED_MODEL, quoted(id) + " is not a model this service runs; see GET /v1/models");
        } else if (kind != null && !found.kinds().contains(kind)) {
            add("kind", Violation.UNSUPPORTED_KIND, "model " + found.id() + " does not do " + kind.wireName()
                    + "; it does " + wireNames(found.kinds(), JobKind::wireName));
        }
        return found;
    }

    private String prompt() {
        if (kind == JobKind.TEXT_TO_IMAGE && (request.prompt() == null || request.prompt().isBlank())) {
            add("prompt", Violation.REQUIRED, "is required for text-to-image and must not be blank");
        }
        return text("prompt", request.prompt());
    }

    private String text(String field, String value) {
        if (value == null) {
            return "";
        }
        if (value.codePointCount(0, value.length()) > MAX_PROMPT_CODE_POINTS) {
            add(field, Violation.TOO_LONG, "must be at most " + MAX_PROMPT_CODE_POINTS + " characters");
        }
        requireStorableText(field, value);
        return value;
    }

    // PostgreSQL text and JSONB reject NUL and unpaired surrogates; refusing them here keeps a 500 from the insert.
    private void requireStorableText(String field, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean paired = Character.isHighSurrogate(c)
                    && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
            if (paired) {
                i++;
            } else if (c == '\0' || Character.isSurrogate(c)) {
                add(field, Violation.UNSUPPORTED_VALUE, "must not contain NUL characters or unpaired surrogates");
                return;
            }
        }
    }

    private ImageRef image() {
        if (kind == null) {
            return null;
        }
        if (!kind.takesImage()) {
            notAllowed("image", request.image());
            return null;
        }
        if (request.image() == null) {
            add("image", Violation.REQUIRED, "is required for " + kind.wireName());
            return null;
        }
        ImageRef ref = imageRef("image", request.image());
        imageInfo = ref == null ? null : inspect("image", ref);
        return imageInfo == null ? null : ref;
    }

    private ImageRef mask(ImageRef image) {
        if (kind != JobKind.INPAINT) {
            notAllowed("mask", request.mask());
            return null;
        }
        if (request.mask() == null) {
            add("mask", Violation.REQUIRED, "is required for inpaint");
            return null;
        }
        ImageRef ref = imageRef("mask", request.mask());
        maskInfo = ref == null ? null : inspect("mask", ref);
        if (maskInfo != null && imageInfo != null
                && (maskInfo.width() != imageInfo.width() || maskInfo.height() != imageInfo.height())) {
            add("mask", Violation.MASK_MISMATCH, "is " + maskInfo.width() + "×" + maskInfo.height()
                    + " but the image is " + imageInfo.width() + "×" + imageInfo.height());
        }
        return maskInfo == null || image == null ? null : ref;
    }

    private ImageRef imageRef(String field, String wire) {
        try {
            return ImageRef.parse(wire);
        } catch (IllegalArgumentException e) {
            add(field, Violation.IMAGE_INVALID, e.getMessage());
            return null;
        }
    }

    private ImageInfo inspect(String field, ImageRef ref) {
        try {
            return images.inspect(ref);
        } catch (ImageRejectedException e) {
            add(field, e.code(), e.getMessage());
            return null;
        }
    }

    private OutpaintExtents outpaint() {
        JobRequest.Outpaint raw = request.outpaint();
        if (kind != JobKind.OUTPAINT) {
            notAllowed("outpaint", raw);
            return null;
        }
        if (raw == null) {
            add("outpaint", Violation.REQUIRED, "is required for outpaint: {left, right, top, bottom} in pixels");
            return null;
        }
        int left = extent("outpaint.left", raw.left());
        int right = extent("outpaint.right", raw.right());
        int top = extent("outpaint.top", raw.top());
        int bottom = extent("outpaint.bottom", raw.bottom());
        if (left < 0 || right < 0 || top < 0 || bottom < 0) {
            return null;
        }
        if (left + right + top + bottom == 0) {
            add("outpaint", Violation.OUT_OF_RANGE, "must extend at least one side by more than 0 pixels");
            return null;
        }
        return new OutpaintExtents(left, right, top, bottom);
    }

    private int extent(String field, Integer value) {
        if (value == null) {
            return violations.containsKey(field) ? -1 : 0;
        }
        if (value < 0) {
            add(field, Violation.OUT_OF_RANGE, "must be 0 or more");
            return -1;
        }
        return value;
    }

    private enum Axis {
        WIDTH("width", "wide", "left", "right"),
        HEIGHT("height", "high", "top", "bottom");

        final String field;
        final String adjective;
        final String near;
        final String far;

        Axis(String field, String adjective, String near, String far) {
            this.field = field;
            this.adjective = adjective;
            this.near = near;
            this.far = far;
        }
    }

    /** The output width or height: as requested, else the model default or the input canvas's size. */
    private int side(Axis axis, Integer requested, OutpaintExtents outpaint) {
        if (model == null || kind == null) {
            return 0;
        }
        int stride = model.pixelStride();
        int max = axis == Axis.WIDTH ? model.maxWidth() : model.maxHeight();
        if (requested != null) {
            if (requested < stride || requested > max) {
                add(axis.field, Violation.OUT_OF_RANGE, "must be between " + stride + " and " + max + " for " + model.id());
            } else if (requested % stride != 0) {
                add(axis.field, Violation.NOT_MULTIPLE_OF_STRIDE, "must be a multiple of " + stride + " for " + model.id());
            }
            if (kind == JobKind.OUTPAINT) {
                // The grown canvas is built before it is resized to width x height: bounded all the same.
                requireCanvasWithin(axis, outpaint, max * MAX_CANVAS_SCALE, "at most " + MAX_CANVAS_SCALE
                        + " times the largest " + axis.field + " of " + model.id() + ", which it is resized from");
            }
            return requested;
        }
        return switch (kind) {
            case TEXT_TO_IMAGE -> axis == Axis.WIDTH ? model.defaultWidth() : model.defaultHeight();
            case IMAGE_TO_IMAGE, INPAINT -> imageSide(axis, stride, max);
            case OUTPAINT -> canvasSide(axis, outpaint, stride, max);
        };
    }

    // Like diffusers' image processor, an unaligned image is cropped down to the stride rather than refused.
    private int imageSide(Axis axis, int stride, int max) {
        if (imageInfo == null) {
            return 0;
        }
        int side = axis == Axis.WIDTH ? imageInfo.width() : imageInfo.height();
        if (side > max) {
            add("image", Violation.IMAGE_TOO_LARGE, "is " + side + " px " + axis.adjective + "; " + model.id()
                    + " allows at most " + max + " — set width and height to resize it");
            return 0;
        }
        if (side < stride) {
            add("image", Violation.OUT_OF_RANGE, "is " + side + " px " + axis.adjective + "; " + model.id()
                    + " needs at least " + stride);
            return 0;
        }
        return side - side % stride;
    }

    private int canvasSide(Axis axis, OutpaintExtents outpaint, int stride, int max) {
        GrownSide grown = grownSide(axis, outpaint);
        if (grown == null) {
            return 0;
        }
        String field = grown.field("image");
        if (grown.size() > max) {
            add(field, Violation.OUT_OF_RANGE, grown.sum() + " exceeds the maximum " + max + " of " + model.id()
                    + " — set width and height to resize the canvas");
            return 0;
        }
        if (grown.size() % stride != 0) {
            add(field, Violation.NOT_MULTIPLE_OF_STRIDE, grown.sum() + " is not a multiple of " + stride);
            return 0;
        }
        return (int) grown.size();
    }

    private void requireCanvasWithin(Axis axis, OutpaintExtents outpaint, long max, String why) {
        GrownSide grown = grownSide(axis, outpaint);
        if (grown != null && grown.size() > max) {
            add(grown.field("outpaint." + axis.near), Violation.OUT_OF_RANGE,
                    grown.sum() + " px; the grown canvas may be " + why + ": " + max);
        }
    }

    /** One side of an outpaint canvas: the image's side and the extents on either end of it. */
    private record GrownSide(Axis axis, int image, int near, int far) {

        long size() {
            return (long) image + near + far;
        }

        /** The extent to blame: the far one if set, else the near one if set, else {@code otherwise}. */
        String field(String otherwise) {
            return far > 0 ? "outpaint." + axis.far : near > 0 ? "outpaint." + axis.near : otherwise;
        }

        String sum() {
            return "image " + axis.field + " " + image + " + " + axis.near + " " + near + " + " + axis.far + " " + far
                    + " = " + size();
        }
    }

    /** The side of the canvas outpainting grows along {@code axis}; null when the image or the extents are unknown. */
    private GrownSide grownSide(Axis axis, OutpaintExtents outpaint) {
        if (imageInfo == null || outpaint == null) {
            return null;
        }
        return axis == Axis.WIDTH
                ? new GrownSide(axis, imageInfo.width(), outpaint.left(), outpaint.right())
                : new GrownSide(axis, imageInfo.height(), outpaint.top(), outpaint.bottom());
    }

    private int range(String field, Integer value, int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        if (value < min || value > max) {
            add(field, Violation.OUT_OF_RANGE, "must be between " + min + " and " + max);
        }
        return value;
    }

    private double guidanceScale() {
        Double value = request.guidanceScale();
        if (value == null) {
            return model == null ? 0 : model.defaultGuidanceScale();
        }
        if (!Double.isFinite(value) || value < 0 || value > MAX_GUIDANCE_SCALE) {
            add("guidance_scale", Violation.OUT_OF_RANGE, "must be between 0 and " + (int) MAX_GUIDANCE_SCALE);
        }
        return value;
    }

    private Scheduler scheduler() {
        if (request.scheduler() == null) {
            return model == null ? Scheduler.EULER : model.defaultScheduler();
        }
        Scheduler scheduler = Scheduler.fromWire(request.scheduler()).orElse(null);
        if (scheduler == null) {
            add("scheduler", Violation.UNSUPPORTED_VALUE, "must be one of " + wireNames(List.of(Scheduler.values()), Scheduler::wireName));
        } else if (model != null && !model.schedulers().contains(scheduler)) {
            add("scheduler", Violation.UNSUPPORTED_SCHEDULER, "is not supported by " + model.id() + "; it supports "
                    + wireNames(model.schedulers(), Scheduler::wireName));
        }
        return scheduler;
    }

    private Double strength() {
        Double value = request.strength();
        if (kind != JobKind.IMAGE_TO_IMAGE && kind != JobKind.INPAINT) {
            notAllowed("strength", value);
            return null;
        }
        if (value == null) {
            return DEFAULT_STRENGTH;
        }
        if (!Double.isFinite(value) || value < 0 || value > 1) {
            add("strength", Violation.OUT_OF_RANGE, "must be between 0 and 1");
        }
        return value;
    }

    private InpaintArea inpaintArea(String value) {
        if (value == null) {
            return InpaintArea.FULL;
        }
        return InpaintArea.fromWire(value).orElseGet(() -> {
            add("inpaint_area", Violation.UNSUPPORTED_VALUE, "must be one of " + wireNames(List.of(InpaintArea.values()), InpaintArea::wireName));
            return null;
        });
    }

    private <T, R> R inpaintOnly(String field, T value, Function<T, R> validate) {
        if (kind != JobKind.INPAINT) {
            notAllowed(field, value);
            return null;
        }
        return validate.apply(value);
    }

    private void notAllowed(String field, Object value) {
        if (value != null && kind != null) {
            add(field, Violation.NOT_ALLOWED_FOR_KIND, "does not apply to " + kind.wireName());
        }
    }

    private CacheMode cache() {
        if (request.cache() == null) {
            return CacheMode.USE;
        }
        CacheMode mode = CacheMode.fromWire(request.cache()).orElseGet(() -> {
            add("cache", Violation.UNSUPPORTED_VALUE, "must be one of " + wireNames(List.of(CacheMode.values()), CacheMode::wireName));
            return null;
        });
        if (mode == CacheMode.SIMILAR && request.seed() != null) {
            // Similar reuse answers with another request's image and seed; a pinned seed asks for exactly one.
            add("cache", Violation.UNSUPPORTED_VALUE, "similar reuse returns an image made with another seed: "
                    + "leave seed unset, or use cache \"use\" for an exact match");
        }
        return mode;
    }

    private ObjectNode metadata() {
        ObjectNode metadata = request.metadata();
        if (metadata == null) {
            return null;
        }
        if (depth(metadata, MAX_METADATA_DEPTH + 1) > MAX_METADATA_DEPTH) {
            // Checked before anything walks or writes the tree: a deep one would fail there instead.
            add("metadata", Violation.TOO_LARGE, "nests deeper than " + MAX_METADATA_DEPTH + " levels");
            return metadata;
        }
        int size;
        try {
            size = JsonCodec.mapper().writeValueAsBytes(metadata).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree always serialises", e);
        }
        if (size > MAX_METADATA_BYTES) {
            add("metadata", Violation.TOO_LARGE, "is " + size + " bytes as JSON; the limit is " + MAX_METADATA_BYTES);
        } else {
            requireStorableTree(metadata);
        }
        return metadata;
    }

    /** The nesting depth of {@code node} (a scalar is 0, an empty object 1), counted no further than {@code cap}. */
    private static int depth(JsonNode node, int cap) {
        if (!node.isContainerNode() || cap == 0) {
            return 0;
        }
        int deepest = 0;
        for (JsonNode child : node) {
            deepest = Math.max(deepest, depth(child, cap - 1));
        }
        return 1 + deepest;
    }

    private void requireStorableTree(JsonNode node) {
        if (node.isTextual()) {
            requireStorableText("metadata", node.textValue());
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                requireStorableText("metadata", field.getKey());
                requireStorableTree(field.getValue());
            }
        } else if (node.isArray()) {
            node.forEach(this::requireStorableTree);
        }
    }

    // Echoes a client's value into a message without letting a megabyte of it through.
    private static String quoted(String value) {
        return "'" + (value.length() <= 64 ? value : value.substring(0, 64) + "…") + "'";
    }

    private static <E extends Enum<E>> String wireNames(Collection<E> values, Function<E, String> wireName) {
        return values.stream().sorted().map(wireName).collect(Collectors.joining(", "));
    }

}
