package dev.easel.gateway.lifecycle;

import dev.easel.gateway.store.DatabaseOutage;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Tells an event that cannot be applied now from one that can never be. A database that is away (or a deadlock,
 * a serialization failure) passes: the event is retried for as long as it takes, since giving up would lose a
 * state change. Any other failure — the database refusing the event's content, a bug — would fail the same way on
 * every retry and hold up every later event of its partition; after {@code maxAttempts} of those in a row the
 * event is set aside.
 */
final class FailingEvents {

    private final int maxAttempts;
    // Per partition: the offset of the event failing there and how often it failed for its content.
    private final Map<TopicPartition, Failing> failing = new HashMap<>();

    FailingEvents(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("easel.events.max-attempts must be at least 1");
        }
        this.maxAttempts = maxAttempts;
    }

    /** Records that applying the event at {@code offset} failed; true when it is to be set aside, not retried. */
    boolean giveUp(TopicPartition partition, long offset, Throwable failure) {
        if (isTransient(failure)) {
            return false;
        }
        Failing previous = failing.get(partition);
        int attempts = previous != null && previous.offset() == offset ? previous.attempts() + 1 : 1;
        if (attempts >= maxAttempts) {
            failing.remove(partition);
            return true;
        }
        failing.put(partition, new Failing(offset, attempts));
        return false;
    }

    /** The event at {@code offset} was applied (or skipped): its partition has nothing failing any more. */
    void applied(TopicPartition partition, long offset) {
        Failing previous = failing.get(partition);
        if (previous != null && previous.offset() <= offset) {
            failing.remove(partition);
        }
    }

    /** A database outage, or a transaction rolled back for a conflict with another (SQLSTATE class 40). */
    static boolean isTransient(Throwable failure) {
        return DatabaseOutage.sqlCause(failure)
                .map(sql -> DatabaseOutage.isOutage(sql) || sql.getSQLState().startsWith("40")).orElse(false);
    }

    private record Failing(long offset, int attempts) {
    }
}
