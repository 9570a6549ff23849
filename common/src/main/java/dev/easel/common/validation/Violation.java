package dev.easel.common.validation;

import java.util.Objects;

/** One thing wrong with one field of a request, named by its wire path ({@code prompt}, {@code outpaint.left}). */
public record Violation(String field, String code, String message) {

    public static final String REQUIRED = "required";
    public static final String INVALID_TYPE = "invalid_type";
    public static final String UNKNOWN_FIELD = "unknown_field";
    public static final String OUT_OF_RANGE = "out_of_range";
    public static final String TOO_LONG = "too_long";
    public static final String TOO_LARGE = "too_large";
    public static final String NOT_MULTIPLE_OF_STRIDE = "not_multiple_of_stride";
    public static final String UNSUPPORTED_VALUE = "unsupported_value";
    public static final String NOT_ALLOWED_FOR_KIND = "not_allowed_for_kind";
    public static final String UNSUPPORTED_MODEL = "unsupported_model";
    public static final String UNSUPPORTED_KIND = "unsupported_kind";
    public static final String UNSUPPORTED_SCHEDULER = "unsupported_scheduler";
    public static final String IMAGE_INVALID = "image_invalid";
    public static final String IMAGE_TOO_LARGE = "image_too_large";
    public static final String MASK_MISMATCH = "mask_mismatch";

    /** The field name for a problem with the body as a whole (the JSON Pointer to the root is empty, too). */
    public static final String BODY = "";

    public Violation {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
