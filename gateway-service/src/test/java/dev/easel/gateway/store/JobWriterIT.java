package dev.easel.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.easel.common.json.JsonCodec;
import dev.easel.gateway.lifecycle.ContractWorker;
import dev.easel.testsupport.LocalStack;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Group commit of new job rows against the real database. */
@QuarkusTest
class JobWriterIT {

    @Inject
    JobWriter writer;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry registry;

    private final List<UUID> written = new ArrayList<>();

    @AfterEach
    void deleteRows() throws SQLException {
        JobRows.delete(dataSource, written);
    }

    @Test
    void everyColumnOfALoneRowReadsBackThroughTheEntityMapping() throws JsonProcessingException {
        JobEntity job = fullJob();

        assertThat(writer.insert(job, null, null)).isTrue();

        assertReadsBack(job);
    }

    @Test
    void everyColumnOfABatchReadsBackThroughTheEntityMapping() throws Exception {
        JobEntity first = fullJob();
        JobEntity second = fullJob();
        second.cacheSimilarity = null;
        second.startedAt = null;
        second.metrics = null;
        JobWriter.Pending a = pending(first);
        JobWriter.Pending b = pending(second);

        writer.write(List.of(a, b));

        assertThat(a.done().get()).isTrue();
        assertThat(b.done().get()).isTrue();
        assertReadsBack(first);
        assertReadsBack(second);
    }

    private JobEntity fullJob() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        JobEntity job = job("succeeded");
        job.cacheOutcome = "similar";
        job.cacheKey = "a".repeat(64);
        job.cacheAnySeedKey = "b".repeat(64);
        job.cacheScopeKey = "c".repeat(64);
        job.cacheSource = UUID.randomUUID();
        job.cacheSimilarity = 0.93;
        job.attempts = 2;
        job.appliedAttempt = 2;
        job.appliedSeq = 7;
        job.idempotencyKey = "writer-" + job.id;
        job.requestHash = "d".repeat(64);
        job.spec = "{\"prompt\": \"writer \\\"quoted\\\" {braces}, commas\", \"seed\": 1}";
        job.result = "{\"images\": [{\"key\": \"k\"}]}";
        job.error = "{\"code\": \"none\"}";
        job.metrics = "{\"run_ms\": 12}";
        job.startedAt = now.minusSeconds(3);
        job.completedAt = now.minusSeconds(1);
        job.startDeadline = now.plusSeconds(30);
        job.cancelRequestedAt = now.minusSeconds(2);
        return job;
    }

    private static void assertReadsBack(JobEntity job) throws JsonProcessingException {
        JobEntity read = QuarkusTransaction.requiringNew().call(() -> JobEntity.<JobEntity>findById(job.id));
        assertThat(read).usingRecursiveComparison()
                .ignoringFields("spec", "metadata", "result", "error", "metrics")
                .ignoringFieldsMatchingRegexes("\\$\\$_hibernate.*")
                .isEqualTo(job);
        // jsonb normalises key order and whitespace; compare the JSON, not the text.
        assertThat(tree(read.spec)).isEqualTo(tree(job.spec));
        assertThat(tree(read.metadata)).isEqualTo(tree(job.metadata));
        assertThat(tree(read.result)).isEqualTo(tree(job.result));
        assertThat(tree(read.error)).isEqualTo(tree(job.error));
        assertThat(job.metrics == null ? read.metrics : tree(read.metrics))
                .isEqualTo(job.metrics == null ? null : tree(job.metrics));
    }

    @Test
    void concurrentRequestsShareTransactions() throws Exception {
        int threads = 32;
        int perThread = 20;
        List<Future<Boolean>> answers = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads * perThread; i++) {
                JobEntity job = job("queued");
                answers.add(clients.submit(() -> writer.insert(job, null, null)));
            }
            for (Future<Boolean> answer : answers) {
                assertThat(answer.get()).isTrue();
            }
        }

        assertThat(countRows()).isEqualTo(threads * perThread);
        assertThat(registry.get("easel_submit_batch_rows").summary().max())
                .as("rows in the largest transaction").isGreaterThan(1);
    }

    @Test
    void aRowWhoseIdempotencyKeyIsTakenIsSkippedEvenWithinOneBatch() throws Exception {
        String key = "writer-dup-" + UUID.randomUUID();
        JobEntity first = job("queued");
        first.idempotencyKey = key;
        JobEntity second = job("queued");
        second.idempotencyKey = key;
        JobWriter.Pending a = pending(first);
        JobWriter.Pending b = pending(second);

        writer.write(List.of(a, b));

        assertThat(a.done().get()).isTrue();
        assertThat(b.done().get()).isFalse();
        assertThat(countRows()).isEqualTo(1);
        JobEntity holder = QuarkusTransaction.requiringNew().call(() ->
                JobEntity.<JobEntity>find("idempotencyKey", key).singleResult());
        assertThat(holder.id).isEqualTo(first.id);
    }

    @Test
    void aRowTheDatabaseRefusesFailsAloneAndTheRestOfItsBatchIsStored() throws SQLException {
        JobEntity good = job("queued");
        JobEntity bad = job("no-such-status");
        JobEntity alsoGood = job("queued");
        JobWriter.Pending a = pending(good);
        JobWriter.Pending b = pending(bad);
        JobWriter.Pending c = pending(alsoGood);

        writer.write(List.of(a, b, c));

        assertThat(a.done()).isCompletedWithValue(true);
        assertThat(c.done()).isCompletedWithValue(true);
        assertThatThrownBy(() -> b.done().get()).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(JobWriteException.class);
        assertThat(countRows()).isEqualTo(2);
    }

    @Test
    void onlyInsertedRowsGetTheirOutboxRecordsPublished() throws Exception {
        String key = "writer-outbox-" + UUID.randomUUID();
        JobEntity first = job("queued");
        first.idempotencyKey = key;
        JobEntity duplicate = job("queued");
        duplicate.idempotencyKey = key;
        JobEntity plain = job("queued");
        JobEntity answered = job("succeeded");
        try (KafkaConsumer<String, byte[]> consumer = jobsConsumer()) {
            JobWriter.Pending a = pending(first, record(first));
            JobWriter.Pending b = pending(duplicate, record(duplicate));
            JobWriter.Pending c = pending(plain, record(plain));
            JobWriter.Pending d = pending(answered, null);

            writer.write(List.of(a, b, c, d));

            assertThat(List.of(a.done().get(), b.done().get(), c.done().get(), d.done().get()))
                    .containsExactly(true, false, true, true);
            Map<String, byte[]> published = new HashMap<>();
            Map<String, String> traceHeaders = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            // Until both arrive, then a little longer: a record for the skipped row would come with them.
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    published.put(record.key(), record.value());
                    Header trace = record.headers().lastHeader("traceparent");
                    traceHeaders.put(record.key(), trace == null ? null : new String(trace.value(), StandardCharsets.UTF_8));
                }
                if (quietUntil == Long.MAX_VALUE && published.keySet().containsAll(
                        List.of(first.id.toString(), plain.id.toString()))) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                }
            }
            assertThat(published.keySet()).containsExactlyInAnyOrder(first.id.toString(), plain.id.toString());
            assertThat(published.get(first.id.toString())).isEqualTo(payload(first));
            assertThat(traceHeaders.get(plain.id.toString())).isEqualTo(TRACE_PARENT);
        }
    }

    private static JsonNode tree(String json) throws JsonProcessingException {
        return JsonCodec.mapper().readTree(json);
    }

    private JobEntity job(String status) {
        JobEntity job = JobRows.unsaved(status, "JobWriterIT");
        written.add(job.id);
        return job;
    }

    private static JobWriter.Pending pending(JobEntity job) {
        return pending(job, null);
    }

    private static JobWriter.Pending pending(JobEntity job, OutboxRecord record) {
        return new JobWriter.Pending(job, record, null, new CompletableFuture<>());
    }

    private static final String TRACE_PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static OutboxRecord record(JobEntity job) {
        return new OutboxRecord(job.id, ContractWorker.JOBS, job.id.toString(), payload(job),
                Map.of("traceparent", TRACE_PARENT));
    }

    /** Bytes the relay forwards as they are; this test's records are read by nothing but itself. */
    private static byte[] payload(JobEntity job) {
        return ("{\"writer_test\": \"" + job.id + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static KafkaConsumer<String, byte[]> jobsConsumer() {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStack.kafkaBootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(ContractWorker.JOBS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    private long countRows() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement count = c.prepareStatement("SELECT count(*) FROM jobs WHERE id = ANY (?)")) {
            count.setArray(1, c.createArrayOf("uuid", written.toArray()));
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
