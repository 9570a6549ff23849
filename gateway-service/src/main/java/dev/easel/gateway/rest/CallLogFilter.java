package dev.easel.gateway.rest;

import dev.easel.common.trace.TraceParent;
import dev.easel.gateway.audit.Call;
import dev.easel.gateway.audit.CallLog;
import dev.easel.gateway.audit.CallLogConfig;
import dev.easel.gateway.store.JobIds;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Records every API call in the call log ({@link CallLog}), accepted or refused: the first route filter, it opens
 * the request's {@link Call}, and when the answer ends it adds the job the answer names ({@link JobIdHeader}) and
 * its status; {@link Callers} adds who called. Other parts of the gateway add the route ({@link CallDetails}) and
 * the refusal's code ({@link #refusedWith}). Answers {@code X-Request-Id}: the client's own, when it sent a usable
 * one, else one made here. The OpenAPI document is not an API call and not recorded (health and metrics answer on
 * the management port, which no filter of the API port sees).
 */
@ApplicationScoped
public class CallLogFilter {

    static final String REQUEST_ID = "X-Request-Id";
    /** The status of a call whose client left before the answer ended. */
    static final int CLIENT_CLOSED = 499;
    private static final String KEY = "easel.call";
    private static final String PRESENTED_KEY = "easel.call.presented-key";
    // Before AuthenticationFilter (110): refused calls are recorded too.
    private static final int PRIORITY = 120;
    private static final Pattern REQUEST_ID_FORMAT = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final int MAX_TEXT = 256;

    private CallLog log;

    void register(@Observes Filters filters, CallLogConfig config, CallLog log) {
        if (!config.enabled()) {
            return;
        }
        this.log = log;
        filters.register(this::open, PRIORITY);
    }

    /** The call of this request; null when the call log is off or the path is not an API path. */
    static Call call(RoutingContext context) {
        return context.get(KEY);
    }

    /** Notes the problem {@code code} the request is refused with. */
    static void refusedWith(RoutingContext context, String code) {
        Call call = call(context);
        if (call != null) {
            call.errorCode(code);
        }
    }

    /** Notes the id of the API key a request presented, for a refusal (an accepted call names its caller's). */
    static void presentedKey(RoutingContext context, String keyId) {
        context.put(PRESENTED_KEY, keyId);
    }

    private void open(RoutingContext context) {
        if (AuthenticationFilter.isPublic(context.normalizedPath())) {
            context.next();
            return;
        }
        HttpServerRequest request = context.request();
        String asked = request.getHeader(REQUEST_ID);
        String requestId = asked != null && REQUEST_ID_FORMAT.matcher(asked).matches() ? asked : JobIds.next().toString();
        context.response().putHeader(REQUEST_ID, requestId);
        SocketAddress client = request.remoteAddress();
        Call call = new Call(System.nanoTime(), request.method().name(), cut(request.path()),
                client == null ? null : client.hostAddress(), cut(request.getHeader("User-Agent")), requestId,
                TraceParent.parse(request.getHeader(TraceParent.HEADER)).map(TraceParent::traceId).orElse(null));
        context.put(KEY, call);
        context.addEndHandler(ended -> close(context, call));
        context.next();
    }

    private void close(RoutingContext context, Call call) {
        if (call.logged()) {
            return; // a submit whose entry was written with its job
        }
        if (call.tenant().equals(Call.NO_TENANT)) {
            call.presentedKey(context.get(PRESENTED_KEY));
        }
        HttpServerResponse response = context.response();
        String job = response.headers().get(JobIdHeader.HEADER);
        if (job != null) {
            call.job(UUID.fromString(job));
        }
        log.record(call.entry(response.ended() ? response.getStatusCode() : CLIENT_CLOSED, System.nanoTime()));
    }

    private static String cut(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT);
    }
}
