package dev.easel.platform.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Producers for records that must not be lost or duplicated by retries (jobs, job events): acknowledged by
 * all in-sync replicas, idempotent, sent at once, and failing within {@code deliveryTimeout} rather than
 * blocking for minutes while the broker is away, so callers can back off and retry.
 */
public final class DurableProducers {

    private DurableProducers() {
    }

    /**
     * @param kafka the service's {@code kafka.*} configuration ({@code default-kafka-broker})
     * @param role appended to the service's client id, e.g. {@code outbox}
     */
    public static Producer<String, byte[]> create(Map<String, Object> kafka, String role, Duration deliveryTimeout) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get("bootstrap.servers"));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, kafka.getOrDefault("client.id", "easel") + "-" + role);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryTimeout.toMillis());
        props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }
}
