package dev.easel.gateway.rest;

import dev.easel.common.validation.Violation;
import java.util.List;

/** A request the API refuses, with the HTTP status and the stable error code clients branch on. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String title;
    private final List<Violation> errors;

    public ApiException(int status, String code, String title, String detail) {
        this(status, code, title, detail, List.of());
    }

    public ApiException(int status, String code, String title, String detail, List<Violation> errors) {
        super(detail);
        this.status = status;
        this.code = code;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public List<Violation> errors() {
        return errors;
    }

    /** 400 {@code invalid_request} for one field (a query parameter, a path segment): "{field} {message}". */
    public static ApiException invalid(String field, String violation, String message) {
        return new ApiException(400, "invalid_request", "Invalid request", field + " " + message,
                List.of(new Violation(field, violation, message)));
    }

    /**
     * The page size a list endpoint was asked for: {@code fallback} when absent, else an integer from 1 to
     * {@code max} ({@code invalid_type} when not an integer, {@code out_of_range} outside).
     */
    public static int pageSize(String limit, int fallback, int max) {
        if (limit == null || limit.isEmpty()) {
            return fallback;
        }
        int value;
        try {
            value = Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            throw invalid("limit", Violation.INVALID_TYPE, "must be an integer from 1 to " + max);
        }
        if (value < 1 || value > max) {
            throw invalid("limit", Violation.OUT_OF_RANGE, "must be an integer from 1 to " + max);
        }
        return value;
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", "Not found", what + " does not exist");
    }
}
