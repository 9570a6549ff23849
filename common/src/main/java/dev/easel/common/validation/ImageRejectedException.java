package dev.easel.common.validation;

import java.util.Objects;

/** An input image that cannot be used, with the violation code that says why. */
public final class ImageRejectedException extends RuntimeException {

    private final String code;

    /** @param code {@link Violation#IMAGE_INVALID} or {@link Violation#IMAGE_TOO_LARGE} */
    public ImageRejectedException(String code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public String code() {
        return code;
    }

    public static ImageRejectedException invalid(String message) {
        return new ImageRejectedException(Violation.IMAGE_INVALID, message);
    }

    public static ImageRejectedException tooLarge(String message) {
        return new ImageRejectedException(Violation.IMAGE_TOO_LARGE, message);
    }
}
