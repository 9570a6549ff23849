package dev.easel.gateway.lifecycle;

import dev.easel.common.event.JobEvent;
import dev.easel.common.event.JobMetrics;
import dev.easel.common.event.JobRequested;
import dev.easel.common.event.ResultImage;
import dev.easel.common.json.JsonCodec;
import dev.easel.common.storage.StorageKeys;
import dev.easel.testsupport.LocalStack;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Plays a worker against the real broker: reads what the gateway publishes on {@code easel.jobs} (from the
 * moment it was created) and publishes job events on {@code easel.job-events}, as a worker would.
 */
public final class ContractWorker implements AutoCloseable {

    public static final String WORKER_ID = "contract-worker";
    // The test application's topics (unique per run, see TestTopics).
    public static final String JOBS = ConfigProvider.getConfig().getValue("easel.topics.jobs", String.class);
    public static final String JOB_EVENTS = ConfigProvider.getConfig().getValue("easel.topics.job-events", String.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, List<JobRequested>> seen = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> headers = new ConcurrentHashMap<>();

    public ContractWorker() {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStack.kafkaBootstrap());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(JOBS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStack.kafkaBootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** Every {@code easel.jobs} record for the job published since this worker started, waiting up to {@code timeout} for the first. */
    public List<JobRequested> received(String jobId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            drain(Duration.ofMillis(100));
            List<JobRequested> records = seen.get(jobId);
            if (records != null) {
                drain(Duration.ofMillis(200));
                return List.copyOf(seen.get(jobId));
            }
        }
        return List.of();
    }

    public JobRequested take(String jobId) {
        List<JobRequested> records = received(jobId, Duration.ofSeconds(20));
        if (records.isEmpty()) {
            throw new AssertionError("job " + jobId + " was not published to " + JOBS);
        }
        return records.getFirst();
    }

    /** Counts what was published per job id until nothing new arrives for {@code quiet}. */
    public Map<String, List<JobRequested>> drainAll(Duration quiet, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int size = -1;
        long lastChange = System.nanoTime();
        while (System.nanoTime() < deadline) {
            drain(Duration.ofMillis(200));
            int now = seen.values().stream().mapToInt(List::size).sum();
            if (now != size) {
                size = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > quiet.toNanos()) {
                break;
            }
        }
        return Map.copyOf(seen);
    }

    private void drain(Duration poll) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(poll)) {
            JobRequested job = JsonCodec.decode(record.value(), JobRequested.class);
            seen.computeIfAbsent(record.key(), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(job);
            Map<String, String> recordHeaders = new HashMap<>();
            record.headers().forEach(h -> recordHeaders.put(h.key(), new String(h.value(), java.nio.charset.StandardCharsets.UTF_8)));
            headers.put(record.key(), recordHeaders);
        }
    }


    /** The Kafka headers of the job's latest {@code easel.jobs} record seen so far. */
    public Map<String, String> headers(String jobId) {
        return headers.getOrDefault(jobId, Map.of());
    }

    public void publish(JobEvent event) {
        try {
            producer.send(new ProducerRecord<>(JOB_EVENTS, event.jobId(), JsonCodec.encode(event))).get();
        } catch (Exception e) {
            throw new AssertionError("could not publish " + event, e);
        }
    }

    /**
     * Plays a worker that stores the job's image and thumbnail in {@code bucket}, under the tenant the record names,
     * then reports success.
     */
    public void succeed(JobRequested job, long seed, S3Client s3, String bucket) {
        String id = job.jobId();
        String image = StorageKeys.output(job.tenant(), id, 0);
        String thumbnail = StorageKeys.thumbnail(job.tenant(), id, 0);
        for (String key : List.of(image, thumbnail)) {
            s3.putObject(p -> p.bucket(bucket).key(key), RequestBody.fromBytes(new byte[] {1, 2, 3}));
        }
        publish(new JobEvent.Started(id, 1, 0, WORKER_ID, Instant.now()));
        publish(new JobEvent.Succeeded(id, 1, 1, WORKER_ID, Instant.now(), List.of(
                new ResultImage(0, image, thumbnail, 64, 64, seed, "image/png")), new JobMetrics(2L, 300L, 280L, 10L)));
    }

    /** A record of any value on {@code easel.job-events}, as a broken or foreign producer might write one. */
    public void publishRaw(String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(JOB_EVENTS, key, value)).get();
        } catch (Exception e) {
            throw new AssertionError("could not publish a record for " + key, e);
        }
    }

    @Override
    public void close() {
        consumer.close();
        producer.close();
    }
}
