package dev.easel.worker.queue;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while job slots are taking work: DOWN before the model is warm and from the first moment of shutdown. */
@Readiness
@ApplicationScoped
public class SlotReadiness implements HealthCheck {

    private final JobSlots slots;
    private final SlotStats stats;

    SlotReadiness(JobSlots slots, SlotStats stats) {
        this.slots = slots;
        this.stats = stats;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("job-slots").status(slots.accepting())
                .withData("worker_id", slots.workerId())
                .withData("slots", stats.slots())
                .withData("busy", stats.busy())
                .build();
    }
}
