package dev.easel.gateway.store;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * The relay lingers ({@code easel.outbox.linger}, a long one here) only after a round that carried more than one
 * row: then the next row waits out the linger, while a row after a one-row round goes out at once.
 */
@QuarkusTest
@TestProfile(OutboxLingerIT.LongLinger.class)
class OutboxLingerIT {

    private static final Duration LINGER = Duration.ofMillis(1500);

    public static class LongLinger implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Every round of this test is one the test woke: no periodic round can take a row out of turn.
            return Map.of("easel.outbox.linger", LINGER.toMillis() + "ms", "easel.outbox.poll-interval", "30s");
        }
    }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    OutboxRelay relay;

    @Inject
    Admin admin;

    @Inject
    MeterRegistry registry;

    // Records of this test go to a topic of their own, which nothing consumes.
    private final String topic = "easel-it-linger-" + UUID.randomUUID();

    @Test
    void aBusyRelayLingersBeforeItsNextRoundAndAQuietOneSendsAtOnce() throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        // A job for the rows' foreign key; its own record goes out as the relay's only row of that moment.
        String jobId = given().contentType("application/json").body("{\"prompt\": \"linger " + topic + "\"}")
                .post("/v1/jobs").then().statusCode(202).extract().path("id");
        awaitOutboxEmpty();
        DistributionSummary rounds = registry.get("easel_outbox_batch_rows").summary();
        long roundsBefore = rounds.count();
        double rowsBefore = rounds.totalAmount();

        // Three rows committed together: one round of three, which makes the relay linger before its next one.
        queue(jobId, 3);
        awaitOutboxEmpty();
        assertThat(rounds.count() - roundsBefore).isEqualTo(1);
        assertThat(rounds.totalAmount() - rowsBefore).isEqualTo(3.0);

        queue(jobId, 1);
        Thread.sleep(LINGER.toMillis() / 3);
        assertThat(outboxRows()).as("a row right after a three-row round waits out the linger").isEqualTo(1);
        awaitOutboxEmpty();

        // That round carried one row: the next row goes out at once, well within the linger.
        queue(jobId, 1);
        await().atMost(LINGER.dividedBy(2)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(outboxRows()).isZero());
    }

    /** Commits {@code count} records for the test's topic in one transaction and wakes the relay, as a writer does. */
    private void queue(String jobId, int count) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO job_outbox (job_id, topic, record_key, payload) VALUES (CAST(? AS uuid), ?, ?, ?)")) {
                for (int i = 0; i < count; i++) {
                    insert.setString(1, jobId);
                    insert.setString(2, topic);
                    insert.setString(3, jobId);
                    insert.setBytes(4, ("record " + i).getBytes(StandardCharsets.UTF_8));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            c.commit();
        }
        relay.wake();
    }

    private void awaitOutboxEmpty() {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(outboxRows()).isZero());
    }

    private long outboxRows() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM job_outbox")) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }
}
