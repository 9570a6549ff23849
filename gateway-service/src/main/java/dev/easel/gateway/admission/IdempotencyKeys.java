package dev.easel.gateway.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.easel.gateway.store.JobEntity;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.hibernate.exception.ConstraintViolationException;

/**
 * {@code Idempotency-Key}: the same key and body give the same job. A key is bound to the canonical hash of the
 * body it first came with (key order and whitespace do not make another request); the unique index on the tenant and
 * key settles concurrent retries. Keys are the tenant's own: another tenant's key names none of its jobs.
 */
final class IdempotencyKeys {

    private static final ObjectMapper SORTED_KEYS = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private IdempotencyKeys() {
    }

    /** The SHA-256 of the body with its object keys sorted, in hex. */
    static String hash(JsonNode body) {
        try {
            byte[] canonical = SORTED_KEYS.writeValueAsBytes(SORTED_KEYS.convertValue(body, Object.class));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException("cannot hash the request body", e);
        }
    }

    /**
     * Throws {@link IdempotentReplay} with the job this key named, if any. Blocks: reads the job store.
     *
     * @throws IdempotencyKeyReusedException when the key named a job of another body
     */
    static void replayIfTaken(String tenant, String key, String requestHash) {
        Optional<JobEntity> existing = QuarkusTransaction.requiringNew().call(() ->
                JobEntity.<JobEntity>find("tenantId = ?1 and idempotencyKey = ?2", tenant, key).firstResultOptional());
        if (existing.isEmpty()) {
            return;
        }
        if (!existing.get().requestHash.equals(requestHash)) {
            throw new IdempotencyKeyReusedException();
        }
        throw new IdempotentReplay(existing.get());
    }

    /**
     * For a row the store skipped or refused because its key is taken: throws {@link IdempotentReplay} with the
     * job that holds the key; never returns. Blocks: reads the job store.
     */
    static JobEntity replayOfSkipped(Submission submission, JobEntity job) {
        replayIfTaken(submission.tenant(), submission.idempotencyKey(), submission.requestHash());
        throw new IllegalStateException("job " + job.id + " was skipped as an idempotent duplicate, but no job holds "
                + "its key");
    }

    /** Whether the failure is PostgreSQL's unique violation (the key's index refused a second row). */
    static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConstraintViolationException c && "23505".equals(c.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
