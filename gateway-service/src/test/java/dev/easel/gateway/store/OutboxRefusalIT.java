package dev.easel.gateway.store;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.easel.gateway.lifecycle.ContractWorker;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * A queue record Kafka refuses for what it is (here one over the producer's {@code max.request.size}) can never be
 * sent: its job fails with {@code queue_rejected}, the row leaves the outbox, and the records behind it go out.
 */
@QuarkusTest
class OutboxRefusalIT {

    private static final String JOBS = ConfigProvider.getConfig().getValue("easel.topics.jobs", String.class);

    @Inject
    JobWriter writer;

    @Inject
    DataSource dataSource;

    @Inject
    MeterRegistry registry;

    @Test
    void aRecordKafkaRefusesForGoodFailsItsJobAndHoldsUpNothingBehindIt() throws Exception {
        double refusedBefore = refused();
        JobEntity job = JobRows.unsaved("queued", "OutboxRefusalIT");
        byte[] tooLarge = new byte[2 * 1024 * 1024]; // the producer's max.request.size is 1 MiB
        try (ContractWorker worker = new ContractWorker()) {
            assertThat(writer.insert(job, new OutboxRecord(job.id, JOBS, job.id.toString(), tooLarge, Map.of()), null)).isTrue();
            String next = given().contentType("application/json").body("{\"prompt\": \"behind a refused record\"}")
                    .post("/v1/jobs").then().statusCode(202).extract().path("id");

            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> "failed".equals(given().get("/v1/jobs/" + job.id).path("status")));
            Response failed = given().get("/v1/jobs/" + job.id);
            assertThat(failed.<String>path("error.code")).isEqualTo("queue_rejected");
            assertThat(failed.<Boolean>path("error.retryable")).isFalse();
            assertThat(failed.<String>path("error.message")).contains("RecordTooLargeException");
            assertThat(outboxRows(job)).as("the refused record left the outbox").isZero();
            assertThat(refused() - refusedBefore).isEqualTo(1.0);
            assertThat(worker.received(next, Duration.ofSeconds(20))).as("the job behind it was published").hasSize(1);
        } finally {
            JobRows.delete(dataSource, List.of(job.id));
        }
    }

    private double refused() {
        return registry.counter("easel_outbox_refused_records").count();
    }

    private long outboxRows(JobEntity job) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement query = c.prepareStatement("SELECT count(*) FROM job_outbox WHERE job_id = ?")) {
            query.setObject(1, job.id);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
