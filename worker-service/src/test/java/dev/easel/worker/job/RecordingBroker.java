package dev.easel.worker.job;

import dev.easel.common.event.DeadLetter;
import dev.easel.common.event.JobEvent;
import dev.easel.common.json.JsonCodec;
import dev.easel.platform.kafka.TopicsConfig;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka for the job package's unit tests: an {@link EventPublisher} whose producer keeps, in order, every record
 * the broker would have acknowledged, and answers the records a test wants refused with an error, as a broker
 * that refuses them would.
 */
final class RecordingBroker {

    static final String JOB_EVENTS = "job-events";
    static final String DEAD_LETTERS = "jobs-dlq";

    private static final TopicsConfig TOPICS = new TopicsConfig() {
        @Override
        public String jobs() {
            return "jobs";
        }

        @Override
        public String jobEvents() {
            return JOB_EVENTS;
        }

        @Override
        public String deadLetters() {
            return DEAD_LETTERS;
        }

        @Override
        public String workerGroup() {
            return "workers";
        }

        @Override
        public String gatewayGroup() {
            return "gateways";
        }
    };

    private final Producer producer = new Producer();
    private final List<ProducerRecord<String, byte[]>> refusedRecords = new CopyOnWriteArrayList<>();
    private volatile Predicate<ProducerRecord<String, byte[]>> refusing = record -> false;
    private final EventPublisher publisher = new EventPublisher(producer, TOPICS);

    EventPublisher publisher() {
        return publisher;
    }

    /** From now on, the records that {@code which} matches are refused. */
    void refuse(Predicate<ProducerRecord<String, byte[]>> which) {
        refusing = which;
    }

    /** The records acknowledged, in the order they were sent. */
    List<ProducerRecord<String, byte[]>> acknowledged() {
        return producer.history();
    }

    List<ProducerRecord<String, byte[]>> refused() {
        return List.copyOf(refusedRecords);
    }

    /** The job events acknowledged, in the order they were sent. */
    List<JobEvent> events() {
        return acknowledged().stream().filter(r -> r.topic().equals(JOB_EVENTS))
                .map(r -> JsonCodec.decode(r.value(), JobEvent.class)).toList();
    }

    List<DeadLetter> deadLetters() {
        return acknowledged().stream().filter(r -> r.topic().equals(DEAD_LETTERS))
                .map(r -> JsonCodec.decode(r.value(), DeadLetter.class)).toList();
    }

    static Predicate<ProducerRecord<String, byte[]>> on(String topic) {
        return record -> record.topic().equals(topic);
    }

    /** Matches the job events of one type. */
    static Predicate<ProducerRecord<String, byte[]>> event(Class<? extends JobEvent> type) {
        return record -> record.topic().equals(JOB_EVENTS) && type.isInstance(JsonCodec.decode(record.value(), JobEvent.class));
    }

    /** Completes every send at once; a refused one fails as a broker's error answer would. */
    private final class Producer extends MockProducer<String, byte[]> {

        Producer() {
            super(true, null, new StringSerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
            if (refusing.test(record)) {
                refusedRecords.add(record);
                RecordTooLargeException refusal = new RecordTooLargeException("refused by the test");
                if (callback != null) {
                    callback.onCompletion(null, refusal);
                }
                return CompletableFuture.failedFuture(refusal);
            }
            return super.send(record, callback);
        }
    }
}
