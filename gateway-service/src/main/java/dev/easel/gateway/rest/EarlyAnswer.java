package dev.easel.gateway.rest;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers a request from an HTTP route filter, before anything reads its body. Most HTTP clients read a response
 * only once they have sent their whole request, so a body that is on its way is read and thrown away first (up
 * to {@code drainLimit} bytes, beyond which the connection is closed); a client waiting for {@code 100 Continue}
 * gets the answer at once and its connection closed.
 */
final class EarlyAnswer {

    private EarlyAnswer() {
    }

    static void send(RoutingContext context, Problem problem, long drainLimit) {
        HttpServerRequest request = context.request();
        HttpServerResponse response = context.response();
        CallLogFilter.refusedWith(context, problem.code());
        if (request.isEnded()) {
            response.end(problem.prepare(response));
            return;
        }
        long declared = RequestBodies.declaredLength(request.getHeader(HttpHeaderNames.CONTENT_LENGTH));
        boolean bodyNotSent = HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(request.getHeader(HttpHeaderNames.EXPECT));
        if (declared > drainLimit || bodyNotSent) {
            response.end(problem.prepareClosing(response));
            return;
        }
        long[] read = {0};
        request.exceptionHandler(ignored -> response.close());
        request.handler(chunk -> {
            read[0] += chunk.length();
            if (read[0] > drainLimit && !response.ended()) {
                response.end(problem.prepareClosing(response)).onComplete(ended -> request.connection().close());
            }
        });
        request.endHandler(ignored -> {
            if (!response.ended()) {
                response.end(problem.prepare(response));
            }
        });
        request.resume();
    }
}
