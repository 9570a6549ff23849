package dev.easel.worker.cluster;

import dev.easel.worker.queue.JobSlots;
import io.quarkus.logging.Log;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code GET /drain}: the worker stops taking jobs for good and answers once its running jobs have finished (or
 * were released after {@code shutdown-grace}). The Helm chart calls it as the worker's preStop hook, so a pod
 * being deleted finishes its work before it gets SIGTERM; readiness is DOWN from the first moment.
 */
@ApplicationScoped
public class DrainRoute {

    static final String PATH = "/drain";

    private final JobSlots slots;

    DrainRoute(JobSlots slots) {
        this.slots = slots;
    }

    void register(@Observes Router router) {
        mount(router, () -> {
            Log.infof("worker %s: draining (preStop or operator request)", slots.workerId());
            slots.drain();
        });
    }

    /** Mounts the route; {@code drain} blocks until the slots have ended and runs on a worker thread, never the event loop. */
    static void mount(Router router, Runnable drain) {
        router.get(PATH).blockingHandler(context -> {
            drain.run();
            context.response().putHeader("Content-Type", "application/json").end("{\"drained\":true}");
        }, false);
    }
}
