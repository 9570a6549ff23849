package dev.easel.gateway.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.UUID;
import javax.sql.DataSource;

/** Test cleanup: removes the job rows a test wrote (their outbox records go with them, ON DELETE CASCADE). */
public final class JobRows {

    private JobRows() {
    }

    public static void delete(DataSource dataSource, Collection<UUID> ids) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM jobs WHERE id = ANY (?)")) {
            delete.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            delete.executeUpdate();
        }
    }
}
