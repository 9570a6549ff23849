package dev.easel.gateway.rest;

import dev.easel.common.json.JsonCodec;
import dev.easel.common.validation.Violation;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * An RFC 9457 problem document. {@code type} is a stable URI per {@code code}; {@code errors} lists every
 * offending field of a validation failure.
 */
public record Problem(String type, String title, int status, String detail, String code, String instance,
                      List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final MediaType MEDIA = MediaType.valueOf(MEDIA_TYPE);
    private static final String TYPE_BASE = "https://easel.dev/problems/";

    /** One offending field: a JSON path such as {@code outpaint.left}, the empty string for the whole body. */
    public record FieldError(String field, String code, String message) {
        static FieldError of(Violation v) {
            return new FieldError(v.field(), v.code(), v.message());
        }
    }

    public static Problem of(int status, String code, String title, String detail, String instance,
                             List<Violation> violations) {
        List<FieldError> errors = violations.isEmpty() ? null : violations.stream().map(FieldError::of).toList();
        return new Problem(TYPE_BASE + code, title, status, detail, code, instance, errors);
    }

    /** The problem an {@link ApiException} stands for, with its field errors. */
    public static Problem of(ApiException e, String instance) {
        return of(e.status(), e.code(), e.title(), e.getMessage(), instance, e.errors());
    }

    public Response toResponse() {
        return Response.status(status).type(MEDIA).entity(this).build();
    }

    /**
     * Readies a response that an HTTP route filter gives before the REST layer sees the request: this problem's
     * status and media type, and {@code Connection: close}, since the rest of the request body is not read.
     * Returns the body to end the response with.
     */
    Buffer prepareClosing(HttpServerResponse response) {
        response.putHeader(HttpHeaderNames.CONNECTION, "close");
        return prepare(response);
    }

    /** Readies a response that an HTTP route filter gives: this problem's status and media type; returns the body. */
    Buffer prepare(HttpServerResponse response) {
        response.setStatusCode(status).putHeader(HttpHeaderNames.CONTENT_TYPE, MEDIA_TYPE);
        return Buffer.buffer(JsonCodec.encode(this));
    }
}
