package dev.easel.gateway.health;

import dev.easel.platform.health.HealthConfig;
import dev.easel.platform.health.Probes;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;

/** Ready when PostgreSQL answers and every Flyway migration this build ships has been applied. */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {

    private final Flyway flyway;
    private final HealthConfig config;

    DatabaseReadiness(Flyway flyway, HealthConfig config) {
        this.flyway = flyway;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("database");
        try {
            MigrationInfoService info = CompletableFuture.supplyAsync(flyway::info)
                    .get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
            MigrationInfo current = info.current();
            int pending = info.pending().length;
            response.withData("schema_version", current == null ? "none" : current.getVersion().toString())
                    .withData("pending_migrations", pending);
            return response.status(current != null && pending == 0).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Probes.down(response, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return Probes.down(response, e);
        }
    }
}
