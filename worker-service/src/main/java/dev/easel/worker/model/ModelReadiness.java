package dev.easel.worker.model;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the model is loaded and a warm-up generation has run. */
@Readiness
@ApplicationScoped
public class ModelReadiness implements HealthCheck {

    private final ModelHost host;

    ModelReadiness(ModelHost host) {
        this.host = host;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("model");
        return host.pipeline()
                .map(p -> response.up()
                        .withData("model", p.model().pkg().limits().id() + "@" + p.model().pkg().limits().version())
                        .withData("provider", p.model().provider().wireName())
                        .build())
                .orElseGet(() -> host.failure()
                        .map(f -> response.down().withData("error", f).build())
                        .orElseGet(() -> response.down().withData("state", "loading").build()));
    }
}
