package dev.easel.gateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.UUID;
import javax.sql.DataSource;

/** Job rows for tests that write them below the API: a new one, and the cleanup afterwards. */
public final class JobRows {

    private JobRows() {
    }

    /** A job row as the writer would store it (not stored yet), its prompt and metadata naming {@code who}. */
    public static JobEntity unsaved(String status, String who) {
        JobEntity job = new JobEntity();
        job.id = JobIds.next();
        job.kind = "text-to-image";
        job.model = "tiny-shapes";
        job.status = status;
        job.tenantId = "public";
        job.owner = who;
        job.spec = "{\"prompt\": \"" + who + " test\", \"seed\": 1}";
        job.metadata = "{\"who\": \"" + who + "\"}";
        job.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return job;
    }

    /** Removes the job rows a test wrote (their outbox records go with them, ON DELETE CASCADE). */
    public static void delete(DataSource dataSource, Collection<UUID> ids) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM jobs WHERE id = ANY (?)")) {
            delete.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            delete.executeUpdate();
        }
    }
}
