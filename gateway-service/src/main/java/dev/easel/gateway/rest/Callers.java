package dev.easel.gateway.rest;

import dev.easel.gateway.identity.Caller;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.enterprise.context.ApplicationScoped;

/** The caller of the request being served, as {@link AuthenticationFilter} established it. */
@ApplicationScoped
public class Callers {

    static final String KEY = "easel.caller";

    private final CurrentVertxRequest request;

    Callers(CurrentVertxRequest request) {
        this.request = request;
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
}
