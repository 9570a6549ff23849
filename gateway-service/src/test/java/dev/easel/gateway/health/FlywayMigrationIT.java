package dev.easel.gateway.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class FlywayMigrationIT {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void migratesAFreshPerRunDatabaseToTheJobSchema() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            assertThat(connection.getCatalog()).startsWith("easel_it_");
            assertThat(strings(connection, "select version from flyway_schema_history where success order by installed_rank"))
                    .containsExactlyElementsOf(Migrations.versions());
            assertThat(strings(connection, "select table_name from information_schema.tables where table_schema = 'public' order by 1"))
                    .contains("jobs", "job_outbox");
        }
    }

    @Test
    void theOutboxIsVacuumedAfterAFewThousandChangesNotAFractionOfItsSize() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            assertThat(strings(connection, "select unnest(reloptions) from pg_class where relname = 'job_outbox'"))
                    .contains("autovacuum_vacuum_scale_factor=0", "autovacuum_vacuum_threshold=5000",
                            "autovacuum_analyze_scale_factor=0", "autovacuum_analyze_threshold=5000");
        }
    }

    @Test
    void rejectsAJobRowWithAnUnknownStatus() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             var statement = connection.createStatement()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> statement.executeUpdate(
                    "insert into jobs (id, tenant_id, kind, model, status, spec) "
                            + "values (gen_random_uuid(), 'public', 'text-to-image', 'm', 'paused', '{}')"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("jobs_status_check");
        }
    }

    private static List<String> strings(Connection connection, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (var statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}
