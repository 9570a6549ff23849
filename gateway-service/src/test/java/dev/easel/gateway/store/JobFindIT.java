package dev.easel.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link JobFinder#find}, the sweep's read of many jobs, against the real database. */
@QuarkusTest
class JobFindIT {

    @Inject
    JobFinder jobs;

    @Inject
    AgroalDataSource dataSource;

    private final List<UUID> stored = new ArrayList<>();

    @AfterEach
    void removeRows() throws Exception {
        JobRows.delete(dataSource, stored);
    }

    @Test
    void readsEveryStoredJobAcrossSeveralQueriesAndLeavesOutIdsWithoutARow() throws Exception {
        // More ids than three queries' worth, the last one partial.
        for (int i = 0; i < 1_234; i++) {
            stored.add(UUID.randomUUID());
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement("""
                INSERT INTO jobs (id, tenant_id, kind, model, status, spec)
                SELECT id, 'public', 'text-to-image', 'tiny-shapes', 'queued', '{}'::jsonb FROM unnest(?) AS t(id)""")) {
            insert.setArray(1, c.createArrayOf("uuid", stored.toArray()));
            assertThat(insert.executeUpdate()).isEqualTo(stored.size());
        }
        List<UUID> asked = new ArrayList<>(stored);
        List<UUID> missing = List.of(UUID.randomUUID(), UUID.randomUUID());
        asked.addAll(missing);

        Map<UUID, JobEntity> found = jobs.find(asked);

        assertThat(found.keySet()).containsExactlyInAnyOrderElementsOf(stored);
        found.forEach((id, job) -> assertThat(job.id).isEqualTo(id));
        assertThat(found).doesNotContainKeys(missing.toArray(UUID[]::new));
    }

    @Test
    void readsNothingForNoIds() {
        assertThat(jobs.find(List.of())).isEmpty();
    }
}
