package dev.easel.gateway.rest;

import dev.easel.gateway.audit.Call;
import dev.easel.gateway.identity.Caller;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The caller of the request being served, as {@link AuthenticationFilter} established it, and its call as the call
 * log records it ({@link CallLogFilter}).
 */
@ApplicationScoped
public class Callers {

    private static final String KEY = "easel.caller";

    private final CurrentVertxRequest request;

    Callers(CurrentVertxRequest request) {
        this.request = request;
    }

    /** Makes {@code caller} the request's caller, for the endpoint and for the call log. */
    static void establish(RoutingContext context, Caller caller) {
        context.put(KEY, caller);
        Call call = CallLogFilter.call(context);
        if (call != null) {
            call.caller(caller.tenant(), caller.keyId(), caller.principal(), caller.role().wireName());
        }
    }

    /** Call on the request's own thread, before anything asynchronous. */
    public Caller current() {
        Caller caller = request.getCurrent() == null ? null : request.getCurrent().get(KEY);
        if (caller == null) {
            // Every non-public path passes the filter: an endpoint reached without a caller is a bug, denied.
            throw new IllegalStateException("no authenticated caller on this request");
        }
        return caller;
    }

    /** The request's call; null when the call log is off. On the request's own thread. */
    public Call call() {
        return request.getCurrent() == null ? null : CallLogFilter.call(request.getCurrent());
    }
}
