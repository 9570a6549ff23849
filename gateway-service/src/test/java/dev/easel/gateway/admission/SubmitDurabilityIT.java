package dev.easel.gateway.admission;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.common.event.JobRequested;
import dev.easel.gateway.lifecycle.ContractWorker;
import dev.easel.testsupport.LocalStack;
import dev.easel.testsupport.ServiceProcess;
import dev.easel.testsupport.TestDatabase;
import dev.easel.testsupport.TestKeys;
import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** No accepted job is lost: not while Kafka is down, not when the gateway dies between commit and publish. */
@QuarkusTest
class SubmitDurabilityIT {

    private static final int JOBS = 200;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void jobsAcceptedWhileKafkaIsDownArePublishedOnceItReturns() throws Exception {
        String batch = UUID.randomUUID().toString();
        List<String> ids = new ArrayList<>();
        try (ContractWorker worker = new ContractWorker()) {
            LocalStack.run("stack", "kafka-down");
            try {
                long start = System.nanoTime();
                try (ExecutorService clients = Executors.newFixedThreadPool(8)) {
                    List<Future<io.restassured.response.Response>> answers = new ArrayList<>();
                    for (int i = 0; i < JOBS; i++) {
                        String body = "{\"prompt\": \"outage " + batch + " " + i + "\"}";
                        answers.add(clients.submit(() -> given().contentType("application/json").body(body).post("/v1/jobs")));
                    }
                    for (Future<io.restassured.response.Response> answer : answers) {
                        io.restassured.response.Response r = answer.get();
                        assertThat(r.statusCode()).as(r.asString()).isEqualTo(202);
                        ids.add(r.path("id"));
                    }
                }
                Log.infof("%d jobs accepted in %d ms with Kafka down", JOBS, Duration.ofNanos(System.nanoTime() - start).toMillis());
                assertThat(count("SELECT count(*) FROM jobs WHERE spec->>'prompt' LIKE ?", "outage " + batch + " %")).isEqualTo(JOBS);
                assertThat(count("SELECT count(*) FROM job_outbox o JOIN jobs j ON j.id = o.job_id WHERE j.spec->>'prompt' LIKE ?",
                        "outage " + batch + " %")).isEqualTo(JOBS);
            } finally {
                LocalStack.run("stack", "up");
            }
            long restarted = System.nanoTime();
            Map<String, List<JobRequested>> published = worker.drainAll(Duration.ofSeconds(3), Duration.ofSeconds(90));
            Log.infof("outbox drained %d ms after Kafka's restart", Duration.ofNanos(System.nanoTime() - restarted).toMillis());
            Set<String> ours = Set.copyOf(ids);
            long publishedOurs = published.keySet().stream().filter(ours::contains).count();
            long duplicates = published.entrySet().stream().filter(e -> ours.contains(e.getKey()))
                    .mapToLong(e -> e.getValue().size() - 1).sum();
            Log.infof("published %d of %d jobs, %d duplicate records", publishedOurs, JOBS, duplicates);
            assertThat(publishedOurs).isEqualTo(JOBS);
            for (String id : ids) {
                assertThat(count("SELECT count(*) FROM jobs WHERE id = ?::uuid", id)).isEqualTo(1);
            }
            assertThat(count("SELECT count(*) FROM job_outbox o JOIN jobs j ON j.id = o.job_id WHERE j.spec->>'prompt' LIKE ?",
                    "outage " + batch + " %")).isZero();
        }
    }

    @Test
    void aJobCommittedByAGatewayKilledBeforePublishingIsPublishedAfterRestart() throws Exception {
        TestDatabase database = TestDatabase.create();
        try (ContractWorker worker = new ContractWorker()) {
            String id;
            // A gateway whose relay never runs: every accepted job stops between commit and publish.
            ServiceProcess first = gateway(database, Map.of("EASEL_OUTBOX_RELAY_ENABLED", "false"));
            try {
                HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(first.uri("/v1/jobs"))
                        .header("Authorization", TestKeys.operatorBearer())
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"killed " + UUID.randomUUID() + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(202);
                id = io.restassured.path.json.JsonPath.from(answer.body()).getString("id");
                first.kill();
            } finally {
                first.close();
            }
            assertThat(worker.received(id, Duration.ofSeconds(2))).isEmpty();

            try (ServiceProcess second = gateway(database, Map.of())) {
                List<JobRequested> records = worker.received(id, Duration.ofSeconds(20));
                assertThat(records).hasSize(1);
                assertThat(records.getFirst().jobId()).isEqualTo(id);
            }
        } finally {
            database.drop();
        }
    }

    private static ServiceProcess gateway(TestDatabase database, Map<String, String> env) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("QUARKUS_DATASOURCE_JDBC_URL", database.jdbcUrl());
        all.putAll(TestKeys.gatewayEnvironment());
        all.put("EASEL_TOPICS_JOBS", ContractWorker.JOBS);
        all.put("EASEL_TOPICS_JOB_EVENTS", ContractWorker.JOB_EVENTS);
        return ServiceProcess.start("gateway", "gateway-service", all, Duration.ofSeconds(60));
    }

    private long count(String sql, String param) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, param);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
