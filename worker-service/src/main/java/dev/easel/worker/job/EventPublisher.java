package dev.easel.worker.job;

import dev.easel.common.event.DeadLetter;
import dev.easel.common.event.JobEvent;
import dev.easel.common.json.JsonCodec;
import dev.easel.platform.kafka.DurableProducers;
import dev.easel.platform.kafka.TopicsConfig;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes job events on {@code easel.job-events} and dead letters on {@code easel.jobs.dlq}. Status events
 * are confirmed by the broker (a job is acknowledged only after its terminal event is on the broker; {@code started}
 * is confirmed before the next status event, so the engine need not wait for it); progress events are
 * fire-and-forget.
 */
@ApplicationScoped
public class EventPublisher {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);

    private final Producer<String, byte[]> producer;
    private final TopicsConfig topics;

    @Inject
    EventPublisher(@Identifier("default-kafka-broker") Map<String, Object> kafka, TopicsConfig topics) {
        this(DurableProducers.create(kafka, "events", SEND_TIMEOUT), topics);
    }

    /** Publishes through {@code producer}: the job package's unit tests give it one that keeps what it is sent. */
    EventPublisher(Producer<String, byte[]> producer, TopicsConfig topics) {
        this.producer = producer;
        this.topics = topics;
    }

    /**
     * @throws TransientJobException when the broker does not acknowledge the event in time
     */
    public void publish(JobEvent event) {
        confirm(sendAsync(event));
    }

    /**
     * Sends a status event without waiting for the broker; {@link #confirm} it before the job's next status event.
     * Events of one job share a partition and this producer is idempotent, so they reach the broker in send order.
     */
    public Sent sendAsync(JobEvent event) {
        return send(new ProducerRecord<>(topics.jobEvents(), event.jobId(), JsonCodec.encode(event)), event.jobId());
    }

    /** A status event on its way to the broker. */
    public record Sent(Future<RecordMetadata> ack, String topic, String jobId) {
    }

    /**
     * Waits for the broker's acknowledgement of a sent event.
     *
     * @throws TransientJobException when it does not come in time or the send failed
     */
    public void confirm(Sent sent) {
        try {
            sent.ack().get(SEND_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new TransientJobException("queue_unavailable", "cannot publish to " + sent.topic() + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new TransientJobException("queue_unavailable", "no acknowledgement from " + sent.topic(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientJobException("interrupted", "interrupted while publishing for job " + sent.jobId(), e);
        }
    }

    /**
     * Progress is best effort: a lost progress event is superseded by the next one. Never throws: a send refused
     * at once (a closed producer, a full buffer past {@code max.block.ms}) is logged like one lost later.
     */
    public void publishProgress(JobEvent.Progress event) {
        try {
            producer.send(new ProducerRecord<>(topics.jobEvents(), event.jobId(), JsonCodec.encode(event)), (meta, e) -> {
                if (e != null) {
                    Log.debugf("job %s: progress event lost: %s", event.jobId(), e.getMessage());
                }
            });
        } catch (RuntimeException e) {
            Log.debugf("job %s: progress event lost: %s", event.jobId(), e.getMessage());
        }
    }

    public void deadLetter(DeadLetter letter, Map<String, String> headers) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.deadLetters(), letter.job().jobId(), JsonCodec.encode(letter));
        headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        confirm(send(record, letter.job().jobId()));
    }

    private Sent send(ProducerRecord<String, byte[]> record, String jobId) {
        return new Sent(producer.send(record), record.topic(), jobId);
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
