package dev.easel.gateway.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.easel.common.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Writes Kafka records into {@code job_outbox} inside the caller's transaction (a JTA one, or a JDBC connection
 * the caller commits), and wakes the relay once that transaction commits, so a record is published only if its
 * job row exists and promptly after it does.
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
                .setParameter(5, json(record.headers()))
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

    /**
     * Adds the records in one statement batch on the caller's connection, which must not be in auto-commit;
     * the caller calls {@link #committed()} after committing.
     */
    public void addAll(Connection connection, List<OutboxRecord> records) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (OutboxRecord record : records) {
                insert.setObject(1, record.jobId());
                insert.setString(2, record.topic());
                insert.setString(3, record.key());
                insert.setBytes(4, record.payload());
                insert.setString(5, json(record.headers()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Tells the relay that a connection that {@link #addAll added} records has committed. */
    public void committed() {
        relay.wake();
    }

    private static String json(Map<String, String> headers) {
        try {
            return JsonCodec.mapper().writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("outbox headers are not serialisable", e);
        }
    }
}
