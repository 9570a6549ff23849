package dev.easel.gateway.rest;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.quarkus.logging.Log;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Reads every request body (a JSON job, a multipart form, an uploaded image) on the event loop, whole, before the
 * endpoint that takes it runs, and counts its bytes as they arrive whatever their framing ({@code Content-Length},
 * chunked, after {@code 100 Continue}): a body that grows past {@code easel.api.max-body-bytes} is answered with 413
 * {@code payload_too_large} at once and its connection closed, nothing past the limit read. A client that sends its
 * body slowly holds no worker thread while it does, and the REST layer hands the endpoint the body as a byte array
 * instead of a stream one thread reads while the event loop fills it (under a closed-loop submit load that hand-over
 * was 6 % of the gateway's CPU samples).
 *
 * <p>The REST layer's input buffer ({@code quarkus.rest.input-buffer-size}, fixed at build time) must hold the
 * largest body: a non-blocking endpoint is handed a body read ahead as one chunk, and a chunk above that buffer
 * makes the REST layer switch to a blocking stream and then hand the endpoint an all-zero copy of the body as well.
 * The gateway refuses to start with a body limit above it.
 *
 * <p>A multipart form's parts are checked before the REST layer parses it and writes its files to disk
 * ({@link MultipartParts}): a part the form does not name, or a name given twice, is refused with 400.
 *
 * <p>A body that has not arrived in full within {@code easel.api.body-read-timeout} is answered with 408
 * {@code request_timeout} and its connection closed. A client that hangs up before its body is complete is nobody
 * to answer: that is logged at debug level only.
 */
@ApplicationScoped
public class BodyPrefetchFilter {

    // After BodyLimitFilter (100), which refuses a declared length above the limit, ahead of the REST layer.
    private static final int PRIORITY = 90;
    private static final int MAX_INITIAL_CAPACITY = 1024 * 1024;
    private static final Map<String, List<String>> FORMS = Map.of(
            "/v1/jobs", JobResource.FORM_PARTS, "/v1/uploads", UploadResource.FORM_PARTS);

    void register(@Observes Filters filters, ApiConfig config,
                  @ConfigProperty(name = "quarkus.rest.input-buffer-size") MemorySize inputBuffer) {
        Duration timeout = config.bodyReadTimeout();
        if (timeout.toMillis() < 1) {
            throw new IllegalStateException("easel.api.body-read-timeout must be at least 1ms, not " + timeout);
        }
        long max = config.maxBodyBytes();
        if (max > inputBuffer.asLongValue()) {
            throw new IllegalStateException("easel.api.max-body-bytes (" + max + ") is above the REST layer's input "
                    + "buffer, quarkus.rest.input-buffer-size (" + inputBuffer.asLongValue() + " bytes), which is "
                    + "fixed when the gateway is built");
        }
        filters.register(context -> prefetch(context, timeout, max), PRIORITY);
    }

    private static void prefetch(RoutingContext context, Duration timeout, long max) {
        HttpServerRequest request = context.request();
        if (!prefetches(request)) {
            context.next();
            return;
        }
        if (HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(request.getHeader(HttpHeaderNames.EXPECT))) {
            // The client sends its body once told to (curl does so for bodies above 1 MB, after a second's wait).
            context.response().writeContinue();
            // Answered: the REST layer would send a second 100 Continue when it resumes the input of a
            // non-blocking endpoint.
            request.headers().remove(HttpHeaderNames.EXPECT);
        }
        long declared = RequestBodies.declaredLength(request.getHeader(HttpHeaderNames.CONTENT_LENGTH));
        Buffer body = Buffer.buffer((int) Math.clamp(declared, 0, MAX_INITIAL_CAPACITY));
        long timer = context.vertx().setTimer(timeout.toMillis(), id -> refuse(context, timedOut(request, timeout)));
        request.handler(chunk -> {
            if (context.response().ended()) {
                return; // refused already; the connection is closing
            }
            if (body.length() + (long) chunk.length() > max) {
                context.vertx().cancelTimer(timer);
                refuse(context, Problem.of(RequestBodies.tooLarge(max), request.path()));
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(failure -> {
            if (!context.vertx().cancelTimer(timer)) {
                return;
            }
            if (failure instanceof HttpClosedException) {
                Log.debugf("client left before sending its whole body: %s", failure.getMessage());
            } else {
                context.fail(failure);
            }
        });
        request.endHandler(ended -> {
            if (!context.vertx().cancelTimer(timer) || context.response().ended()) {
                return; // answered with 408 or 413 already
            }
            List<String> form = formParts(context);
            if (form != null) {
                try {
                    MultipartParts.check(body, request.getHeader(HttpHeaderNames.CONTENT_TYPE), form);
                } catch (ApiException e) {
                    EarlyAnswer.send(context, Problem.of(e, request.path()), 0);
                    return;
                }
            }
            context.setBody(body);
            context.next();
        });
        request.resume();
    }

    /** The part names of the form this request posts, or null when it is not a form the gateway takes. */
    private static List<String> formParts(RoutingContext context) {
        String contentType = context.request().getHeader(HttpHeaderNames.CONTENT_TYPE);
        if (contentType == null || !contentType.regionMatches(true, 0, "multipart/form-data", 0, 19)) {
            return null;
        }
        // The path the REST layer routes on: percent-encoded letters decoded (/v1/%75ploads is /v1/uploads).
        String path = context.normalizedPath();
        return FORMS.get(path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
    }

    private static Problem timedOut(HttpServerRequest request, Duration timeout) {
        return Problem.of(408, "request_timeout", "Request timeout",
                "the request body did not arrive within " + timeout.toMillis() + " ms", request.path(), List.of());
    }

    private static void refuse(RoutingContext context, Problem problem) {
        CallLogFilter.refusedWith(context, problem.code());
        context.response().end(problem.prepareClosing(context.response()))
                .onComplete(ended -> context.request().connection().close());
    }

    private static boolean prefetches(HttpServerRequest request) {
        // HTTP/1.x only: the gateway does not speak HTTP/2 (quarkus.http.http2=false).
        return request.method() == HttpMethod.POST && !request.isEnded();
    }
}
