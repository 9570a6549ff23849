package dev.easel.worker.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.testsupport.LocalStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The broker's share groups (KIP-932) work as the worker needs them: explicit ACCEPT and RELEASE. */
class ShareGroupIT {

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @BeforeAll
    static void stack() {
        LocalStack.ensureStarted();
    }

    @Test
    void acceptedRecordIsNotDeliveredAgain() throws Exception {
        String topic = newTopic();
        String group = newShareGroup();
        produce(topic, "job-1", "hello");

        try (KafkaShareConsumer<String, String> consumer = shareConsumer(group, topic)) {
            ConsumerRecord<String, String> record = pollOne(consumer);
            assertThat(record.key()).isEqualTo("job-1");
            assertThat(record.value()).isEqualTo("hello");
            assertThat(record.deliveryCount()).contains((short) 1);
            consumer.acknowledge(record, AcknowledgeType.ACCEPT);
            assertThat(consumer.commitSync()).allSatisfy((partition, failure) -> assertThat(failure).isEmpty());
        }
        try (KafkaShareConsumer<String, String> again = shareConsumer(group, topic)) {
            assertThat(pollFor(again, Duration.ofSeconds(5))).isEmpty();
        }
    }

    @Test
    void releasedRecordIsRedeliveredWithAHigherDeliveryCount() throws Exception {
        String topic = newTopic();
        String group = newShareGroup();
        produce(topic, "job-2", "retry me");

        try (KafkaShareConsumer<String, String> consumer = shareConsumer(group, topic)) {
            ConsumerRecord<String, String> first = pollOne(consumer);
            assertThat(first.deliveryCount()).contains((short) 1);
            consumer.acknowledge(first, AcknowledgeType.RELEASE);
            consumer.commitSync();

            ConsumerRecord<String, String> second = pollOne(consumer);
            assertThat(second.offset()).isEqualTo(first.offset());
            assertThat(second.deliveryCount()).contains((short) 2);
            consumer.acknowledge(second, AcknowledgeType.ACCEPT);
            consumer.commitSync();
        }
    }

    private static String newTopic() throws Exception {
        String topic = "easel-it-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", LocalStack.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        return topic;
    }

    /** A share group starts at the log end unless told otherwise; these tests produce before they subscribe. */
    private static String newShareGroup() throws Exception {
        String group = "easel-it-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", LocalStack.kafkaBootstrap()))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
            AlterConfigOp earliest = new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(earliest))).all().get(30, TimeUnit.SECONDS);
        }
        return group;
    }

    private static void produce(String topic, String key, String value) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStack.kafkaBootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static KafkaShareConsumer<String, String> shareConsumer(String group, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStack.kafkaBootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        KafkaShareConsumer<String, String> consumer = new KafkaShareConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static ConsumerRecord<String, String> pollOne(KafkaShareConsumer<String, String> consumer) {
        List<ConsumerRecord<String, String>> records = pollFor(consumer, PATIENCE);
        assertThat(records).as("records delivered within %s", PATIENCE).hasSize(1);
        return records.get(0);
    }

    private static List<ConsumerRecord<String, String>> pollFor(KafkaShareConsumer<String, String> consumer, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        while (records.isEmpty() && System.nanoTime() < deadline) {
            consumer.poll(POLL).forEach(records::add);
        }
        return records;
    }

}
