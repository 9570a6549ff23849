package dev.easel.gateway.store;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The relay vacuums {@code job_outbox} after every {@code easel.outbox.vacuum-every} rows it deleted, so the queue
 * table does not fill with dead tuples where autovacuum is off (as on the machines these tests run on).
 */
@QuarkusTest
@TestProfile(OutboxVacuumIT.VacuumOften.class)
class OutboxVacuumIT {

    private static final int EVERY = 40;

    public static class VacuumOften implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("easel.outbox.vacuum-every", Integer.toString(EVERY));
        }
    }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry registry;

    @Test
    void theRelayVacuumsTheOutboxAfterEnoughDeletes() throws Exception {
        long before = vacuumCount();
        double runsBefore = registry.counter("easel_outbox_vacuums").count();
        String batch = UUID.randomUUID().toString();
        for (int i = 0; i < 3 * EVERY; i++) {
            given().contentType("application/json").body("{\"prompt\": \"vacuum " + batch + " " + i + "\"}")
                    .post("/v1/jobs").then().statusCode(202);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(vacuumCount()).as("manual VACUUM runs of job_outbox").isGreaterThan(before);
            assertThat(registry.counter("easel_outbox_vacuums").count()).isGreaterThan(runsBefore);
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(pendingRows()).isZero());
    }

    /** Vacuums run by a client (the relay), not by autovacuum. */
    private long vacuumCount() throws Exception {
        return single("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'job_outbox'");
    }

    private long pendingRows() throws Exception {
        return single("SELECT count(*) FROM job_outbox");
    }

    private long single(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }
}
