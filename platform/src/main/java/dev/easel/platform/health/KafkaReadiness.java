package dev.easel.platform.health;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the Kafka cluster answers a metadata request and has at least one broker. */
@Readiness
@ApplicationScoped
public class KafkaReadiness implements HealthCheck {

    private final Admin admin;
    private final HealthConfig config;

    KafkaReadiness(Admin admin, HealthConfig config) {
        this.admin = admin;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("kafka");
        long timeoutMs = config.timeout().toMillis();
        try {
            int brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeoutMs))
                    .nodes().get(timeoutMs, TimeUnit.MILLISECONDS).size();
            return response.status(brokers > 0).withData("brokers", brokers).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Probes.down(response, e);
        } catch (Exception e) {
            return Probes.down(response, e);
        }
    }
}
