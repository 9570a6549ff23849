package dev.easel.worker.cluster;

import dev.easel.worker.queue.JobSlots;
import io.quarkus.logging.Log;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.function.Predicate;

/**
 * {@code POST /drain} on the management port, with the drain token as a bearer ({@link DrainToken}): the worker
 * stops taking jobs for good and answers once its running jobs have finished (or were released after
 * {@code shutdown-grace}). The Helm chart's preStop hook calls it, so a pod being deleted finishes its work before
 * it gets SIGTERM; readiness is DOWN from the first moment, and liveness some time after the end
 * ({@link DrainedLiveness}), so a worker drained by hand is restarted. Without the token: 401, nothing drained.
 */
@ApplicationScoped
public class DrainRoute {

    static final String PATH = "/drain";

    private final JobSlots slots;
    private final DrainToken token;

    DrainRoute(JobSlots slots, DrainToken token) {
        this.slots = slots;
        this.token = token;
    }

    void register(@Observes ManagementInterface management) {
        mount(management.router(), token::admits, () -> {
            Log.infof("worker %s: draining (preStop or operator request)", slots.workerId());
            slots.drain();
        });
    }

    /**
     * Mounts the route; {@code drain} blocks until the slots have ended and runs on a worker thread, never the event
     * loop, and only for a request whose {@code Authorization} header {@code admits} accepts.
     */
    static void mount(Router router, Predicate<String> admits, Runnable drain) {
        router.post(PATH).handler(context -> {
            if (!admits.test(context.request().getHeader("Authorization"))) {
                context.response().setStatusCode(401).putHeader("Content-Type", "application/problem+json")
                        .putHeader("WWW-Authenticate", "Bearer realm=\"easel-worker\"")
                        .end("{\"type\":\"https://easel.dev/problems/unauthorized\",\"title\":\"Unauthorized\",\"status\":401,"
                                + "\"detail\":\"drain needs the worker's drain token as a bearer\",\"code\":\"unauthorized\"}");
                return;
            }
            context.next();
        }).blockingHandler(context -> {
            drain.run();
            context.response().putHeader("Content-Type", "application/json").end("{\"drained\":true}");
        }, false);
    }
}
