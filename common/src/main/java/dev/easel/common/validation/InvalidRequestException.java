package dev.easel.common.validation;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** A job request that failed validation, with every violation found and the problem code to answer with. */
public final class InvalidRequestException extends RuntimeException {

    public static final String INVALID_REQUEST = "invalid_request";

    // Codes specific enough that clients branch on them; everything else is a generic invalid_request.
    private static final Set<String> PROBLEM_CODES = Set.of(
            Violation.UNSUPPORTED_MODEL,
            Violation.UNSUPPORTED_KIND,
            Violation.IMAGE_INVALID,
            Violation.IMAGE_TOO_LARGE,
            Violation.MASK_MISMATCH);

    private final List<Violation> violations;

    public InvalidRequestException(List<Violation> violations) {
        super(summary(violations));
        this.violations = List.copyOf(violations);
        if (this.violations.isEmpty()) {
            throw new IllegalArgumentException("an invalid request has at least one violation");
        }
    }

    private static String summary(List<Violation> violations) {
        return "invalid job request: " + violations.stream()
                .map(v -> (v.field().isEmpty() ? "body" : v.field()) + " " + v.message() + " (" + v.code() + ")")
                .collect(Collectors.joining("; "));
    }

    public List<Violation> violations() {
        return violations;
    }

    /** The problem+json {@code code}: the first specific violation code, else {@value #INVALID_REQUEST}. */
    public String code() {
        return violations.stream()
                .map(Violation::code)
                .filter(PROBLEM_CODES::contains)
                .findFirst()
                .orElse(INVALID_REQUEST);
    }
}
