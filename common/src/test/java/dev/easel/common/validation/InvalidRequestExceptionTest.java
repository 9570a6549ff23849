package dev.easel.common.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class InvalidRequestExceptionTest {

    @Test
    void takesItsCodeFromTheFirstSpecificViolation() {
        var e = new InvalidRequestException(List.of(
                new Violation("steps", Violation.OUT_OF_RANGE, "must be between 1 and 150"),
                new Violation("mask", Violation.MASK_MISMATCH, "is 32×32 but the image is 64×64"),
                new Violation("model", Violation.UNSUPPORTED_MODEL, "unknown")));

        assertThat(e.code()).isEqualTo(Violation.MASK_MISMATCH);
        assertThat(e.getMessage()).contains("steps", "mask_mismatch");
    }

    @Test
    void isAGenericInvalidRequestOtherwise() {
        var e = new InvalidRequestException(List.of(new Violation("prompt", Violation.REQUIRED, "is required")));
        assertThat(e.code()).isEqualTo("invalid_request");
    }

    @Test
    void needsAtLeastOneViolation() {
        assertThatThrownBy(() -> new InvalidRequestException(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
