package dev.easel.worker.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.easel.common.event.DeadLetter;
import dev.easel.common.event.JobEvent;
import dev.easel.common.event.JobRequested;
import dev.easel.common.event.SimilarReuse;
import dev.easel.common.job.CacheMode;
import dev.easel.common.job.ImageRef;
import dev.easel.common.job.JobKind;
import dev.easel.common.job.JobSpec;
import dev.easel.common.job.JobStage;
import dev.easel.common.job.Scheduler;
import dev.easel.common.json.JsonCodec;
import dev.easel.common.queue.RedisKeys;
import dev.easel.common.storage.StorageKeys;
import dev.easel.platform.kafka.TopicsConfig;
import dev.easel.platform.storage.StorageConfig;
import dev.easel.testsupport.LocalStack;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import javax.imageio.metadata.IIOMetadataNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The worker against the real broker, Redis and S3: jobs go in on the test's {@code easel.jobs} topic, events
 * and images come out, exactly as the gateway would see them.
 */
@QuarkusTest
class JobRunIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TENANT = "acme";

    @Inject
    TopicsConfig topics;

    @Inject
    RedisDataSource redis;

    @Inject
    S3Client s3;

    @Inject
    StorageConfig storage;

    @Inject
    MeterRegistry registry;

    private KafkaProducer<String, byte[]> producer;
    private KafkaConsumer<String, byte[]> events;
    private final Map<String, List<JobEvent>> received = new HashMap<>();

    @BeforeEach
    void connect() {
        Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStack.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        events = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStack.kafkaBootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = events.partitionsFor(topics.jobEvents()).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        events.assign(partitions);
        events.seekToBeginning(partitions);
    }

    @AfterEach
    void close() {
        producer.close();
        events.close();
    }

    @Test
    void generatesAnImageStoresItAndReportsEveryStage() throws Exception {
        JobRequested job = job(spec(JobKind.TEXT_TO_IMAGE, "a large red circle on a white background", 11, null, null), null);
        publish(job);
        List<JobEvent> seen = awaitTerminal(job.jobId());

        assertThat(seen.getFirst()).isInstanceOf(JobEvent.Started.class);
        JobEvent.Succeeded done = (JobEvent.Succeeded) seen.getLast();
        assertThat(seen).allSatisfy(e -> assertThat(e.attempt()).isEqualTo(1));
        assertThat(seen.stream().map(JobEvent::seq).toList()).isSorted().doesNotHaveDuplicates();
        List<JobStage> stages = seen.stream().filter(e -> e instanceof JobEvent.Progress).map(e -> ((JobEvent.Progress) e).stage())
                .distinct().toList();
        assertThat(stages).containsSubsequence(JobStage.ENCODING, JobStage.DENOISING, JobStage.DECODING, JobStage.UPLOADING);
        assertThat(done.metrics().inferenceMs()).isPositive();
        assertThat(done.images()).hasSize(1);
        assertThat(done.images().getFirst().key()).isEqualTo(StorageKeys.output(job.tenant(), job.jobId(), 0));
        assertThat(done.images().getFirst().seed()).isEqualTo(11);

        byte[] png = s3.getObjectAsBytes(g -> g.bucket(storage.bucket()).key(StorageKeys.output(job.tenant(), job.jobId(), 0))).asByteArray();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(64);
        assertThat(image.getHeight()).isEqualTo(64);
        assertThat(pngText(png)).contains("\"seed\":11").contains("a large red circle");
        byte[] thumb = s3.getObjectAsBytes(g -> g.bucket(storage.bucket()).key(StorageKeys.thumbnail(job.tenant(), job.jobId(), 0))).asByteArray();
        assertThat(ImageIO.read(new ByteArrayInputStream(thumb))).isNotNull();
        assertThat(seen.stream().anyMatch(e -> e instanceof JobEvent.Progress p && p.previewKey() != null)).isTrue();
        // The last step's event goes without a preview: the decoded image follows it.
        assertThat(seen).filteredOn(e -> e instanceof JobEvent.Progress p && p.stage() == JobStage.DENOISING
                        && p.steps() > 0 && p.step() == p.steps())
                .singleElement().satisfies(e -> assertThat(((JobEvent.Progress) e).previewKey()).isNull());
    }

    @Test
    void recordsThatHoldNoJobAreRejectedAndTheSlotGoesOnTakingJobs() throws Exception {
        // A tombstone, the JSON null and a job without its spec: each used to end the slot's consumer for good.
        producer.send(new ProducerRecord<>(topics.jobs(), "tombstone", null)).get();
        producer.send(new ProducerRecord<>(topics.jobs(), "json-null", "null".getBytes(StandardCharsets.UTF_8))).get();
        producer.send(new ProducerRecord<>(topics.jobs(), "no-spec",
                "{\"job_id\": \"no-spec\"}".getBytes(StandardCharsets.UTF_8))).get();
        // A real job whose record carries a header without a value.
        JobRequested job = job(spec(JobKind.TEXT_TO_IMAGE, "a small blue square on a white background", 5, null, null), null);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.jobs(), job.jobId(), JsonCodec.encode(job));
        record.headers().add("x-empty", null);
        producer.send(record).get();

        assertThat(awaitTerminal(job.jobId()).getLast()).isInstanceOf(JobEvent.Succeeded.class);
    }

    @Test
    void aJobAskingForSimilarReuseGetsTheResultOfAPromptThatMeansTheSame() {
        String index = "easel-it:similar:" + UUID.randomUUID();
        JobRequested original = similar(spec(JobKind.TEXT_TO_IMAGE, "a large red circle in the center on a white background", 21,
                null, null), index, false);
        publish(original);
        JobEvent.Succeeded made = (JobEvent.Succeeded) awaitTerminal(original.jobId()).getLast();
        assertThat(made.reused()).isNull();

        JobRequested paraphrase = similar(spec(JobKind.TEXT_TO_IMAGE, "白色背景上中间有一个大的红色圆形", 22, null, null), index, true);
        publish(paraphrase);
        List<JobEvent> seen = awaitTerminal(paraphrase.jobId());
        JobEvent.Succeeded reused = (JobEvent.Succeeded) seen.getLast();
        assertThat(reused.reused()).isNotNull();
        assertThat(reused.reused().jobId()).isEqualTo(original.jobId());
        assertThat(reused.reused().similarity()).isBetween(0.5, 1.0001);
        assertThat(reused.images()).isEqualTo(made.images());
        assertThat(seen).as("nothing was generated").noneMatch(e -> e instanceof JobEvent.Progress p && p.stage() == JobStage.DENOISING);

        JobRequested other = similar(spec(JobKind.TEXT_TO_IMAGE, "a large blue circle in the center on a white background", 23,
                null, null), index, true);
        publish(other);
        JobEvent.Succeeded generated = (JobEvent.Succeeded) awaitTerminal(other.jobId()).getLast();
        assertThat(generated.reused()).as("another colour means another picture").isNull();
        assertThat(generated.images().getFirst().key()).isEqualTo(StorageKeys.output(other.tenant(), other.jobId(), 0));
    }

    private static JobRequested similar(JobSpec spec, String index, boolean lookup) {
        return new JobRequested(UUID.randomUUID().toString(), TENANT, 1, spec, Instant.now(), null,
                new SimilarReuse(index, Duration.ofMinutes(10), 100, lookup));
    }

    @Test
    void aJobCanceledBeforeItStartsIsDroppedWithoutRunning() {
        JobRequested job = job(spec(JobKind.TEXT_TO_IMAGE, "a blue star", 1, null, null), null);
        redis.value(String.class).set(RedisKeys.cancelFlag(job.jobId()), "1");
        publish(job);
        List<JobEvent> seen = awaitTerminal(job.jobId());
        assertThat(seen).singleElement().isInstanceOf(JobEvent.Canceled.class);
    }

    @Test
    void aJobPastItsStartDeadlineExpiresWithoutRunning() {
        JobRequested job = job(spec(JobKind.TEXT_TO_IMAGE, "a green square", 2, null, null), Instant.now().minusSeconds(5));
        publish(job);
        assertThat(awaitTerminal(job.jobId())).singleElement().isInstanceOf(JobEvent.Expired.class);
    }

    @Test
    void aMissingInputImageFailsTheJobForGood() {
        JobRequested job = job(spec(JobKind.IMAGE_TO_IMAGE, "a pink triangle", 3, new ImageRef.Upload("gone-" + UUID.randomUUID()), 0.5),
                null);
        publish(job);
        List<JobEvent> seen = awaitTerminal(job.jobId());
        JobEvent.Failed failed = (JobEvent.Failed) seen.getLast();
        assertThat(failed.error().code()).isEqualTo("image_invalid");
        assertThat(failed.error().retryable()).isFalse();
    }

    @Test
    void cancelingARunningJobStopsItWithinAStep() {
        JobRequested job = job(new JobSpec(JobKind.TEXT_TO_IMAGE, "tiny-shapes", "a brown circle", "", 256, 256, 150, 5.0,
                Scheduler.EULER, 4, 1, null, null, null, null, null, null, null, null, CacheMode.USE, null), null);
        publish(job);
        await().atMost(WAIT).until(() -> poll(job.jobId()).stream().anyMatch(e -> e instanceof JobEvent.Progress p
                && p.stage() == JobStage.DENOISING && p.step() >= 2));
        // As the gateway cancels: the flag, then its announcement.
        redis.value(String.class).set(RedisKeys.cancelFlag(job.jobId()), "1");
        redis.pubsub(String.class).publish(RedisKeys.CANCELS, job.jobId());
        List<JobEvent> seen = awaitTerminal(job.jobId());
        assertThat(seen.getLast()).isInstanceOf(JobEvent.Canceled.class);
        int lastStep = seen.stream().filter(e -> e instanceof JobEvent.Progress p && p.stage() == JobStage.DENOISING)
                .mapToInt(e -> ((JobEvent.Progress) e).step()).max().orElseThrow();
        assertThat(lastStep).isLessThan(150);
    }

    @Test
    void aJobLongerThanTheAcquisitionLockKeepsItByRenewing() throws Exception {
        setLock("2000");
        try {
            JobRequested job = job(new JobSpec(JobKind.TEXT_TO_IMAGE, "tiny-shapes", "a yellow star", "", 256, 256, 150, 5.0,
                    Scheduler.EULER, 5, 1, null, null, null, null, null, null, null, null, CacheMode.USE, null), null);
            publish(job);
            // Once the worker holds the record, a second member of the share group joins: it gets the record
            // only if the worker's lock lapses.
            await().atMost(WAIT).until(() -> poll(job.jobId()).stream().anyMatch(e -> e instanceof JobEvent.Started));
            List<String> stolen = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean watching = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread rival = Thread.ofPlatform().start(() -> {
                try (var consumer = new org.apache.kafka.clients.consumer.KafkaShareConsumer<String, byte[]>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStack.kafkaBootstrap(),
                        ConsumerConfig.GROUP_ID_CONFIG, topics.workerGroup(),
                        ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit",
                        ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit",
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1), new StringDeserializer(), new ByteArrayDeserializer())) {
                    consumer.subscribe(List.of(topics.jobs()));
                    while (watching.get()) {
                        for (var record : consumer.poll(Duration.ofMillis(200))) {
                            stolen.add(record.key());
                            consumer.acknowledge(record, org.apache.kafka.clients.consumer.AcknowledgeType.RELEASE);
                        }
                    }
                }
            });
            List<JobEvent> seen;
            try {
                seen = awaitTerminal(job.jobId());
            } finally {
                watching.set(false);
                rival.join();
            }
            assertThat(stolen).as("records another group member acquired").doesNotContain(job.jobId());
            long runMs = ((JobEvent.Succeeded) seen.getLast()).metrics().runMs();
            assertThat(runMs).as("the job must outlive the 2 s lock for this test to mean anything").isGreaterThan(4000);
            assertThat(seen.stream().filter(e -> e instanceof JobEvent.Started)).hasSize(1);
            long stepEvents = seen.stream().filter(e -> e instanceof JobEvent.Progress p && p.stage() == JobStage.DENOISING
                    && p.step() > 0).count();
            assertThat(stepEvents).as("step progress is throttled to 4 per second").isBetween(2L, runMs / 250 + 2);
            assertThat(seen).allSatisfy(e -> assertThat(e.attempt()).isEqualTo(1));
        } finally {
            setLock(null);
        }
    }

    @Test
    void aJobQueuedBehindARunningJobIsNotAcquiredUntilTheSlotIsFree() throws Exception {
        // A 2 s lock renewed every 500 ms: a slot that fetched while busy would acquire (and bump the delivery count
        // of) the queued job on every renewal round, and with this lock and delivery limit archive it unrun.
        setLock("2000");
        try {
            JobRequested running = job(new JobSpec(JobKind.TEXT_TO_IMAGE, "tiny-shapes", "a white circle", "", 256, 256, 150,
                    5.0, Scheduler.EULER, 6, 1, null, null, null, null, null, null, null, null, CacheMode.USE, null), null);
            publish(running);
            await().atMost(WAIT).until(() -> poll(running.jobId()).stream().anyMatch(e -> e instanceof JobEvent.Started));
            JobRequested queued = job(spec(JobKind.TEXT_TO_IMAGE, "a small black square", 7, null, null), null);
            publish(queued);

            List<JobEvent> first = awaitTerminal(running.jobId());
            List<JobEvent> second = awaitTerminal(queued.jobId());
            assertThat(first.getLast()).isInstanceOf(JobEvent.Succeeded.class);
            assertThat(((JobEvent.Succeeded) first.getLast()).metrics().runMs())
                    .as("the running job must outlive several renewals for this test to mean anything").isGreaterThan(3000);
            assertThat(second.getLast()).isInstanceOf(JobEvent.Succeeded.class);
            // Nor is it delivered again afterwards (a record the slot had acquired unseen would come back once its
            // 2 s lock lapsed): over three lock periods, still one run, at delivery 1.
            await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10)).until(() ->
                    poll(queued.jobId()).stream().filter(e -> e instanceof JobEvent.Started).count() == 1);
            assertThat(poll(queued.jobId())).as("the queued job ran once, at its first delivery")
                    .allSatisfy(e -> assertThat(e.attempt()).isEqualTo(1));
        } finally {
            setLock(null);
        }
    }

    private void setLock(String millis) throws Exception {
        setConfig(new ConfigResource(ConfigResource.Type.GROUP, topics.workerGroup()), "share.record.lock.duration.ms",
                millis);
    }

    /** Sets a broker-side setting of the group or topic, or with {@code value} null returns it to its default. */
    private static void setConfig(ConfigResource resource, String name, String value) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", LocalStack.kafkaBootstrap()))) {
            AlterConfigOp op = value == null
                    ? new AlterConfigOp(new ConfigEntry(name, ""), AlterConfigOp.OpType.DELETE)
                    : new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(op))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aJobNoWorkerCanRunIsDeadLetteredAfterItsDeliveriesWithoutBlockingOthers() {
        JobRequested poison = job(new JobSpec(JobKind.TEXT_TO_IMAGE, "no-such-model", "a red circle", "", 64, 64, 12, 5.0,
                Scheduler.EULER, 1, 1, null, null, null, null, null, null, null, null, CacheMode.USE, null), null);
        JobRequested healthy = job(spec(JobKind.TEXT_TO_IMAGE, "a gray square", 8, null, null), null);
        KafkaConsumer<String, byte[]> dlq = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                LocalStack.kafkaBootstrap(), ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                new ByteArrayDeserializer());
        try (dlq) {
            List<TopicPartition> partitions = dlq.partitionsFor(topics.deadLetters()).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            dlq.assign(partitions);
            dlq.seekToBeginning(partitions);
            publish(poison);
            publish(healthy);
            assertThat(awaitTerminal(healthy.jobId()).getLast()).isInstanceOf(JobEvent.Succeeded.class);
            JobEvent.Failed failed = (JobEvent.Failed) awaitTerminal(poison.jobId()).getLast();
            assertThat(failed.error().code()).isEqualTo("delivery_limit_reached");
            assertThat(failed.attempt()).isEqualTo(5);
            List<DeadLetter> letters = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                dlq.poll(Duration.ofMillis(200)).forEach(r -> letters.add(JsonCodec.decode(r.value(), DeadLetter.class)));
                return letters.stream().anyMatch(l -> l.job().jobId().equals(poison.jobId()));
            });
            DeadLetter letter = letters.stream().filter(l -> l.job().jobId().equals(poison.jobId())).findFirst().orElseThrow();
            assertThat(letter.deliveries()).isEqualTo(5);
            assertThat(letter.lastError().code()).isEqualTo("model_unavailable");
        }
    }

    @Test
    void aJobWhoseDeadLetterCopyIsRefusedStillEndsFailedForItsClient() throws Exception {
        JobRequested poison = job(new JobSpec(JobKind.TEXT_TO_IMAGE, "no-such-model", "a blue circle", "", 64, 64, 12,
                5.0, Scheduler.EULER, 1, 1, null, null, null, null, null, null, null, null, CacheMode.USE, null), null);
        double refusedBefore = registry.counter("easel_worker_jobs", "outcome", "dead_letter_refused").count();
        // The dead-letter topic now refuses every copy as too large; the broker still stops after 5 deliveries.
        setDeadLetterMaxBytes("64");
        try {
            publish(poison);
            JobEvent.Failed failed = (JobEvent.Failed) awaitTerminal(poison.jobId()).getLast();
            assertThat(failed.error().code()).isEqualTo("delivery_limit_reached");
            assertThat(failed.attempt()).isEqualTo(5);
            await().atMost(WAIT).until(() ->
                    registry.counter("easel_worker_jobs", "outcome", "dead_letter_refused").count() > refusedBefore);
        } finally {
            setDeadLetterMaxBytes(null);
        }
    }

    private void setDeadLetterMaxBytes(String bytes) throws Exception {
        setConfig(new ConfigResource(ConfigResource.Type.TOPIC, topics.deadLetters()), "max.message.bytes", bytes);
    }

    private static JobSpec spec(JobKind kind, String prompt, long seed, ImageRef image, Double strength) {
        return new JobSpec(kind, "tiny-shapes", prompt, "", 64, 64, 12, 5.0, Scheduler.EULER, seed, 1, image, null,
                strength, null, null, null, null, null, CacheMode.USE, null);
    }

    private static JobRequested job(JobSpec spec, Instant deadline) {
        return new JobRequested(UUID.randomUUID().toString(), TENANT, 1, spec, Instant.now(), deadline);
    }

    private void publish(JobRequested job) {
        try {
            producer.send(new ProducerRecord<>(topics.jobs(), job.jobId(), JsonCodec.encode(job))).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private List<JobEvent> poll(String jobId) {
        for (ConsumerRecord<String, byte[]> record : events.poll(Duration.ofMillis(100))) {
            received.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(JsonCodec.decode(record.value(), JobEvent.class));
        }
        return received.getOrDefault(jobId, List.of());
    }

    private List<JobEvent> awaitTerminal(String jobId) {
        await().atMost(WAIT).until(() -> poll(jobId).stream().anyMatch(e -> e.status().isTerminal()));
        return received.get(jobId).stream().sorted((a, b) -> Long.compare(a.seq(), b.seq())).collect(Collectors.toList());
    }

    private static String pngText(byte[] png) throws Exception {
        var reader = ImageIO.getImageReadersByFormatName("png").next();
        reader.setInput(ImageIO.createImageInputStream(new ByteArrayInputStream(png)));
        IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_png_1.0");
        StringBuilder text = new StringBuilder();
        var entries = root.getElementsByTagName("tEXtEntry");
        for (int i = 0; i < entries.getLength(); i++) {
            text.append(((IIOMetadataNode) entries.item(i)).getAttribute("value"));
        }
        return text.toString();
    }
}
