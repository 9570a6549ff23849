package dev.easel.worker.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A share consumer for {@link JobSlot}'s tests, standing in for the broker as the slot relies on it: a poll waits
 * up to its timeout for a record offered by the test and hands out at most one; a record acknowledged with
 * {@code RENEW} is handed back by the next poll, without a fetch, as the real client does; every acknowledgement is
 * kept in order. A test can make the next poll fail, as a consumer that broke would.
 */
final class FakeShareConsumer extends MockShareConsumer<String, byte[]> {

    /** One acknowledgement: the record's key and how it was settled. */
    record Ack(String key, AcknowledgeType type) {
    }

    private static final ConsumerRecord<String, byte[]> WAKE_UP = new ConsumerRecord<>("wake-up", 0, -1, null, null);

    private final BlockingQueue<ConsumerRecord<String, byte[]>> offered = new LinkedBlockingQueue<>();
    private final BlockingQueue<ConsumerRecord<String, byte[]>> renewed = new LinkedBlockingQueue<>();
    private final List<Ack> acks = new CopyOnWriteArrayList<>();
    private final List<String> pollsWhileHolding = new CopyOnWriteArrayList<>();
    private volatile boolean wokenUp;
    private volatile RuntimeException nextPollFails;
    private volatile boolean closed;
    private volatile ConsumerRecord<String, byte[]> held;

    void offer(ConsumerRecord<String, byte[]> record) {
        offered.add(record);
    }

    /** The next poll throws {@code failure}. */
    void failNextPoll(RuntimeException failure) {
        nextPollFails = failure;
    }

    List<Ack> acks() {
        return List.copyOf(acks);
    }

    List<Ack> acksOf(String key) {
        return acks.stream().filter(a -> a.key().equals(key)).toList();
    }

    /** Polls that could have fetched (a timeout above zero) while the slot held an unsettled record. */
    List<String> pollsWhileHolding() {
        return List.copyOf(pollsWhileHolding);
    }

    boolean closed() {
        return closed;
    }

    @Override
    public ConsumerRecords<String, byte[]> poll(Duration timeout) {
        RuntimeException failure = nextPollFails;
        if (failure != null) {
            nextPollFails = null;
            throw failure;
        }
        ConsumerRecord<String, byte[]> record = renewed.poll();
        if (record == null) {
            if (held != null && !timeout.isZero()) {
                pollsWhileHolding.add(held.key());
            }
            try {
                record = offered.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (wokenUp || record == WAKE_UP) {
            wokenUp = false;
            throw new WakeupException();
        }
        if (record == null) {
            return ConsumerRecords.empty();
        }
        held = record;
        List<ConsumerRecord<String, byte[]>> one = new ArrayList<>(List.of(record));
        return new ConsumerRecords<>(Map.of(new TopicPartition(record.topic(), record.partition()), one), Map.of());
    }

    @Override
    public void acknowledge(ConsumerRecord<String, byte[]> record, AcknowledgeType type) {
        acks.add(new Ack(record.key(), type));
        if (type == AcknowledgeType.RENEW) {
            renewed.add(record);
        } else if (record == held) {
            held = null;
        }
    }

    @Override
    public Map<TopicIdPartition, Optional<KafkaException>> commitSync(Duration timeout) {
        return Map.of();
    }

    @Override
    public void wakeup() {
        wokenUp = true;
        offered.add(WAKE_UP);
    }

    @Override
    public void close(Duration timeout) {
        closed = true;
        super.close(timeout);
    }
}
