package dev.easel.gateway.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.easel.common.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.util.Map;
import java.util.UUID;

/**
 * Writes a Kafka record into {@code job_outbox} inside the caller's transaction, and wakes the relay once that
 * transaction commits, so a record is published only if its job row exists and promptly after it does.
 */
@ApplicationScoped
public class Outbox {

    private final EntityManager entityManager;
    private final TransactionSynchronizationRegistry transactions;
    private final OutboxRelay relay;

    Outbox(EntityManager entityManager, TransactionSynchronizationRegistry transactions, OutboxRelay relay) {
        this.entityManager = entityManager;
        this.transactions = transactions;
        this.relay = relay;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void add(UUID jobId, String topic, String key, byte[] payload, Map<String, String> headers) {
        entityManager.createNativeQuery("""
                        INSERT INTO job_outbox (job_id, topic, record_key, payload, headers)
                        VALUES (?1, ?2, ?3, ?4, CAST(?5 AS jsonb))""")
                .setParameter(1, jobId)
                .setParameter(2, topic)
                .setParameter(3, key)
                .setParameter(4, payload)
                .setParameter(5, json(headers))
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

    private static String json(Map<String, String> headers) {
        try {
            return JsonCodec.mapper().writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("outbox headers are not serialisable", e);
        }
    }
}
