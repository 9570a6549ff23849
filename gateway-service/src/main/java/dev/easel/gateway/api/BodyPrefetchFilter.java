package dev.easel.gateway.api;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.quarkus.logging.Log;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;

/**
 * Reads a request body of declared length (a JSON job, an uploaded image) on the event loop, before the blocking
 * endpoint that takes it runs. The REST layer hands a blocking endpoint a stream that its worker thread reads while
 * the event loop delivers the chunks, one thread waking the other for each; a body already read is given to it as
 * a byte array. Under a closed-loop submit load that hand-over was 6 % of the gateway's CPU samples, with the
 * thread switches around it a good part of the quarter spent in the kernel's task switching. And a client that
 * sends its body slowly no longer holds a worker thread while it does.
 *
 * <p>Only bodies whose {@code Content-Length} is declared and at most {@value #MAX_PREFETCH_BYTES} bytes; a
 * chunked or larger body is left to the stream, which counts what it reads. A body that has not arrived in full
 * within {@code easel.api.body-read-timeout} is answered with 408 {@code request_timeout} and its connection
 * closed. A client that hangs up before its body is complete is nobody to answer: that is logged at debug level
 * only.
 */
@ApplicationScoped
public class BodyPrefetchFilter {

    // After BodyLimitFilter (100), ahead of the REST layer.
    private static final int PRIORITY = 90;
    /**
     * Largest body read ahead: every ordinary JSON job and most uploads. A larger one is left to the stream, so
     * that what the event loops hold at once stays bounded while the worker pool bounds the rest, as before.
     */
    static final long MAX_PREFETCH_BYTES = 1024 * 1024;

    void register(@Observes Filters filters, ApiConfig config) {
        Duration timeout = config.bodyReadTimeout();
        if (timeout.toMillis() < 1) {
            throw new IllegalStateException("easel.api.body-read-timeout must be at least 1ms, not " + timeout);
        }
        filters.register(context -> prefetch(context, timeout), PRIORITY);
    }

    private static void prefetch(RoutingContext context, Duration timeout) {
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
        long timer = context.vertx().setTimer(timeout.toMillis(), id -> timedOut(context, timeout));
        request.body().onComplete(read -> {
            if (!context.vertx().cancelTimer(timer)) {
                return; // answered with 408 already
            }
            if (read.succeeded()) {
                context.setBody(read.result());
                context.next();
            } else if (read.cause() instanceof HttpClosedException) {
                Log.debugf("client left before sending its whole body: %s", read.cause().getMessage());
            } else {
                context.fail(read.cause());
            }
        });
        request.resume();
    }

    private static void timedOut(RoutingContext context, Duration timeout) {
        HttpServerRequest request = context.request();
        Problem problem = Problem.of(408, "request_timeout", "Request timeout",
                "the request body did not arrive within " + timeout.toMillis() + " ms", request.path(), List.of());
        context.response().end(problem.prepareClosing(context.response()))
                .onComplete(ended -> request.connection().close());
    }

    private static boolean prefetches(HttpServerRequest request) {
        // HTTP/1.x only: the REST layer pauses every request it takes, which an HTTP/2 stream that has ended refuses.
        if (request.version() == HttpVersion.HTTP_2 || request.method() != HttpMethod.POST || request.isEnded()) {
            return false;
        }
        long length = RequestBodies.declaredLength(request.getHeader(HttpHeaderNames.CONTENT_LENGTH));
        if (length < 0 || length > MAX_PREFETCH_BYTES) {
            return false;
        }
        // Multipart bodies are parsed part by part on the event loop by the REST layer's form reader already.
        String contentType = request.getHeader(HttpHeaderNames.CONTENT_TYPE);
        return contentType == null || !contentType.regionMatches(true, 0, "multipart/", 0, "multipart/".length());
    }
}
