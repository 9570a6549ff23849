package dev.easel.common.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.common.job.JobRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a {@code POST /v1/jobs} JSON body into a {@link JobRequest}, turning wrong JSON types and unknown
 * fields into violations rather than exceptions so that one response can list them all.
 */
public final class JobRequestParser {

    static final Set<String> FIELDS = Set.of(
            "kind", "model", "prompt", "negative_prompt", "width", "height", "steps", "guidance_scale",
            "scheduler", "seed", "num_images", "image", "mask", "strength", "inpaint_area", "mask_padding",
            "mask_blur", "outpaint", "start_deadline_seconds", "cache", "metadata");
    private static final List<String> OUTPAINT_SIDES = List.of("left", "right", "top", "bottom");

    // Beyond 2^53 a JSON float no longer names one integer, so such a seed cannot mean what the client meant.
    private static final double MAX_EXACT_DOUBLE = 0x1p53;

    /** The request, with null for every field that was absent or unusable, and what was wrong. */
    public record Parsed(JobRequest request, List<Violation> violations) {

        public Parsed {
            violations = List.copyOf(violations);
        }
    }

    private final List<Violation> violations = new ArrayList<>();

    private JobRequestParser() {
    }

    public static Parsed parse(JsonNode body) {
        return new JobRequestParser().read(body);
    }

    private Parsed read(JsonNode body) {
        if (body == null || !body.isObject()) {
            violations.add(new Violation(Violation.BODY, Violation.INVALID_TYPE, "the request body must be a JSON object"));
            return new Parsed(emptyRequest(), violations);
        }
        var request = new JobRequest(
                text(body, "kind"),
                text(body, "model"),
                text(body, "prompt"),
                text(body, "negative_prompt"),
                integer(body, "width", "width"),
                integer(body, "height", "height"),
                integer(body, "steps", "steps"),
                number(body, "guidance_scale"),
                text(body, "scheduler"),
                seed(body),
                integer(body, "num_images", "num_images"),
                text(body, "image"),
                text(body, "mask"),
                number(body, "strength"),
                text(body, "inpaint_area"),
                integer(body, "mask_padding", "mask_padding"),
                integer(body, "mask_blur", "mask_blur"),
                outpaint(body),
                integer(body, "start_deadline_seconds", "start_deadline_seconds"),
                text(body, "cache"),
                object(body, "metadata"));
        long unknown = body.properties().stream().filter(field -> !FIELDS.contains(field.getKey())).count();
        if (unknown > 0) {
            // Counted, never named: a name echoed back is the client's bytes again, as many times as it sends some.
            violations.add(new Violation(Violation.BODY, Violation.UNKNOWN_FIELD, unknown + " field(s) are not part "
                    + "of the job request, whose fields are " + String.join(", ", new TreeSet<>(FIELDS))));
        }
        return new Parsed(request, violations);
    }

    private static JobRequest emptyRequest() {
        return new JobRequest(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null);
    }

    private static JsonNode present(JsonNode parent, String name) {
        JsonNode node = parent.get(name);
        return node == null || node.isNull() ? null : node;
    }

    private String text(JsonNode body, String name) {
        JsonNode node = present(body, name);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            violations.add(new Violation(name, Violation.INVALID_TYPE, "must be a string"));
            return null;
        }
        return node.textValue();
    }

    private Integer integer(JsonNode parent, String name, String path) {
        JsonNode node = present(parent, name);
        if (node == null) {
            return null;
        }
        // 512.0 is accepted: some JSON encoders write every number as a float.
        if (!node.isNumber() || !node.canConvertToExactIntegral()) {
            violations.add(new Violation(path, Violation.INVALID_TYPE, "must be an integer"));
            return null;
        }
        if (!node.canConvertToInt()) {
            violations.add(new Violation(path, Violation.OUT_OF_RANGE, "is far too large"));
            return null;
        }
        return node.intValue();
    }

    private Long seed(JsonNode body) {
        JsonNode node = present(body, "seed");
        if (node == null) {
            return null;
        }
        boolean integral = node.isIntegralNumber()
                ? node.canConvertToLong()
                : node.isNumber() && node.canConvertToExactIntegral() && Math.abs(node.doubleValue()) <= MAX_EXACT_DOUBLE;
        if (!integral) {
            violations.add(new Violation("seed", Violation.INVALID_TYPE, "must be an integer that fits in 64 bits, or null"));
            return null;
        }
        return node.longValue();
    }

    private Double number(JsonNode body, String name) {
        JsonNode node = present(body, name);
        if (node == null) {
            return null;
        }
        if (!node.isNumber()) {
            violations.add(new Violation(name, Violation.INVALID_TYPE, "must be a number"));
            return null;
        }
        return node.doubleValue();
    }

    private ObjectNode object(JsonNode body, String name) {
        JsonNode node = present(body, name);
        if (node == null) {
            return null;
        }
        if (!node.isObject()) {
            violations.add(new Violation(name, Violation.INVALID_TYPE, "must be a JSON object"));
            return null;
        }
        return (ObjectNode) node;
    }

    private JobRequest.Outpaint outpaint(JsonNode body) {
        ObjectNode node = object(body, "outpaint");
        if (node == null) {
            return null;
        }
        long unknown = node.properties().stream().filter(field -> !OUTPAINT_SIDES.contains(field.getKey())).count();
        if (unknown > 0) {
            violations.add(new Violation("outpaint", Violation.UNKNOWN_FIELD, unknown + " field(s) are not sides; "
                    + "use left, right, top and bottom"));
        }
        return new JobRequest.Outpaint(
                integer(node, "left", "outpaint.left"),
                integer(node, "right", "outpaint.right"),
                integer(node, "top", "outpaint.top"),
                integer(node, "bottom", "outpaint.bottom"));
    }
}
