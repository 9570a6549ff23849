package dev.easel.platform.kafka;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** One Kafka admin client per service, built from the {@code kafka.*} configuration. */
@ApplicationScoped
public class KafkaAdminProducer {

    @Produces
    @Singleton
    Admin admin(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get("bootstrap.servers"));
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, kafka.getOrDefault("client.id", "easel") + "-admin");
        // A broker that comes back must be noticed within a readiness period, not after minutes of backoff.
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        return Admin.create(config);
    }

    void close(@Disposes Admin admin) {
        admin.close(Duration.ofSeconds(2));
    }
}
