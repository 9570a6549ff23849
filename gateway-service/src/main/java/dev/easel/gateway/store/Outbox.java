package dev.easel.gateway.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.easel.common.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.util.Map;

/**
 * Writes Kafka records into {@code job_outbox} inside the caller's JTA transaction and wakes the relay once that
 * transaction commits, so a record is published only if its job row exists and promptly after it does. (New jobs'
 * records are inserted by {@link dev.easel.gateway.store.JobWriter}, in the statement that inserts their rows.)
 */
@ApplicationScoped
public class Outbox {

    private static final String INSERT = """
            INSERT INTO job_outbox (job_id, topic, record_key, payload, headers)
            VALUES (?, ?, ?, ?, CAST(? AS jsonb))""";

    private final EntityManager entityManager;
    private final TransactionSynchronizationRegistry transactions;
    private final OutboxRelay relay;

    Outbox(EntityManager entityManager, TransactionSynchronizationRegistry transactions, OutboxRelay relay) {
        this.entityManager = entityManager;
        this.transactions = transactions;
        this.relay = relay;
    }

    /** Adds the record to the current JTA transaction; the relay is woken when it commits. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void add(OutboxRecord record) {
        entityManager.createNativeQuery(INSERT)
                .setParameter(1, record.jobId())
                .setParameter(2, record.topic())
                .setParameter(3, record.key())
                .setParameter(4, record.payload())
                .setParameter(5, headersJson(record.headers()))
                .executeUpdate();
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    relay.wake();
                }
            }
        });
    }

    /** Tells the relay that records written outside a JTA transaction (by the job writer) have committed. */
    public void committed() {
        relay.wake();
    }

    /** The record's headers as the JSON object the {@code headers} column holds. */
    public static String headersJson(Map<String, String> headers) {
        try {
            return JsonCodec.mapper().writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("outbox headers are not serialisable", e);
        }
    }
}
