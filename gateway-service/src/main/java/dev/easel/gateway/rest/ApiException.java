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

    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", "Not found", what + " does not exist");
    }
}
