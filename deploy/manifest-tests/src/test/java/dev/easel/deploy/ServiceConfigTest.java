package dev.easel.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.deploy.ServiceConfig.Service;
import org.junit.jupiter.api.Test;

/** The key sets the manifest tests compare against come out of the services as they are. */
class ServiceConfigTest {

    private final ServiceConfig gateway = ServiceConfig.of(Service.GATEWAY);
    private final ServiceConfig worker = ServiceConfig.of(Service.WORKER);

    @Test
    void mappingPropertiesAreNamedTheWaySmallRyeNamesThem() {
        assertThat(worker.keys()).contains("easel.worker.slots", "easel.worker.shutdown-grace", "easel.engine.tensorrt-fp16",
                "easel.engine.intra-op-threads", "easel.cluster.deletion-cost.enabled", "easel.cluster.pod-name",
                "easel.storage.secret-access-key", "easel.topics.worker-group", "easel.health.timeout");
        assertThat(gateway.keys()).contains("easel.api.max-body-bytes", "easel.events.enabled", "easel.outbox.relay-enabled",
                "easel.models.catalog.*.default-width", "quarkus.datasource.jdbc.url", "easel.auth.pepper",
                "easel.auth.bootstrap-key", "easel.auth.key-cache-ttl");
    }

    @Test
    void eachServiceKnowsOnlyItsOwnAreas() {
        assertThat(worker.knows("easel.api.max-body-bytes")).isFalse();
        assertThat(worker.knows("quarkus.datasource.jdbc.url")).isFalse();
        assertThat(gateway.knows("easel.worker.slots")).isFalse();
        assertThat(worker.knows("easel.auth.pepper")).isFalse();
        assertThat(gateway.knows("easel.models.catalog.sd-turbo.default-steps")).isTrue();
        assertThat(gateway.knows("easel.models.catalog.sd-turbo.default-stepz")).isFalse();
    }

    @Test
    void environmentVariablesMapToKeysTheMicroProfileWay() {
        assertThat(worker.keyOf("EASEL_WORKER_SLOTS")).contains("easel.worker.slots");
        assertThat(worker.keyOf("EASEL_CLUSTER_DELETION_COST_ENABLED")).contains("easel.cluster.deletion-cost.enabled");
        assertThat(gateway.keyOf("QUARKUS_DATASOURCE_JDBC_URL")).contains("quarkus.datasource.jdbc.url");
        assertThat(worker.keyOf("EASEL_WORKER_SLOT")).isEmpty();
    }

    @Test
    void kafkaKeysAreTheKafkaClientsOwnSettings() {
        assertThat(worker.keyOf("KAFKA_SECURITY_PROTOCOL")).contains("kafka.security.protocol");
        assertThat(gateway.keyOf("KAFKA_SASL_JAAS_CONFIG")).contains("kafka.sasl.jaas.config");
        assertThat(gateway.keyOf("KAFKA_SECURITY_PROTOCOLL")).isEmpty();
    }

    @Test
    void aDeploymentMustSetTheEndpointsCredentialsAndPathsTheLocalDefaultsFill() {
        assertThat(gateway.requiredForDeployment()).containsExactlyInAnyOrder(
                "kafka.bootstrap.servers", "quarkus.redis.hosts", "easel.storage.endpoint", "easel.storage.access-key-id",
                "easel.storage.secret-access-key", "quarkus.datasource.jdbc.url", "quarkus.datasource.username",
                "quarkus.datasource.password", "easel.auth.pepper");
        assertThat(worker.requiredForDeployment()).containsExactlyInAnyOrder(
                "kafka.bootstrap.servers", "quarkus.redis.hosts", "easel.storage.endpoint", "easel.storage.access-key-id",
                "easel.storage.secret-access-key", "easel.engine.model-dir");
    }
}
