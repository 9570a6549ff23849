package dev.easel.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.easel.gateway.identity.Role;
import dev.easel.gateway.identity.SecondReplica;
import dev.easel.gateway.identity.TestTenants;
import dev.easel.testsupport.ServiceProcess;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What a gateway that stops under load leaves in the call log, on a second gateway process the test stops: after
 * SIGTERM every call it answered is there; after SIGKILL every submit it accepted is (the test's own gateway
 * chains what the stopped one wrote). The stopped gateway writes its batches only every 30 s, so that whatever
 * reaches the log besides accepted submits was written by its shutdown.
 */
@QuarkusTest
class CallLogShutdownIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern JOB_ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

    @Inject
    AgroalDataSource dataSource;

    /** One answered call: the request id it was sent with, its status, and the job of a 202. */
    private record Answer(String requestId, int status, String job) {
    }

    @Test
    void aSigtermLosesNoAnsweredCall() throws Exception {
        String tenant = TestTenants.create("sigterm");
        List<Answer> answers = loadUntilStopped(TestTenants.key(tenant, Role.MEMBER), "term", ServiceProcess::close);
        // Enough calls to be waiting in the buffer when the gateway stops (a freshly started gateway on a busy
        // machine answered 89 in its first three seconds once, 100-odd usually).
        assertThat(answers).hasSizeGreaterThan(20);
        List<String> ids = answers.stream().map(Answer::requestId).toList();
        await().atMost(WAIT).until(() -> count("request_id = ANY (?)", ids) == ids.size());
    }

    @Test
    void aSigkillLosesNoAcceptedSubmit() throws Exception {
        String tenant = TestTenants.create("sigkill");
        List<Answer> answers = loadUntilStopped(TestTenants.key(tenant, Role.MEMBER), "kill", ServiceProcess::kill);
        List<String> jobs = answers.stream().filter(a -> a.status() == 202).map(Answer::job).toList();
        assertThat(jobs).hasSizeGreaterThan(20);
        await().atMost(WAIT).until(() -> count("status = 202 AND CAST(job_id AS text) = ANY (?)", jobs) == jobs.size());
        // The lists it answered were waiting for their batch: a crash loses those, as docs/api.md says.
        List<String> lists = answers.stream().filter(a -> a.status() == 200).map(Answer::requestId).toList();
        assertThat(count("request_id = ANY (?)", lists)).isLessThan(lists.size());
    }

    private interface Stop {
        void stop(ServiceProcess gateway) throws InterruptedException;
    }

    /** Eight clients submit and list against a second gateway until, three seconds in, it is stopped. */
    private static List<Answer> loadUntilStopped(String key, String name, Stop stop) throws Exception {
        Queue<Answer> answers = new ConcurrentLinkedQueue<>();
        AtomicBoolean going = new AtomicBoolean(true);
        String run = name + "-" + UUID.randomUUID();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (ServiceProcess gateway = SecondReplica.start("gateway-" + name,
                Map.of("EASEL_CALL_LOG_FLUSH_INTERVAL", "30s"))) {
            ExecutorService clients = Executors.newFixedThreadPool(8);
            for (int c = 0; c < 8; c++) {
                int clientNo = c;
                clients.submit(() -> {
                    for (int i = 0; going.get(); i++) {
                        String requestId = run + "-" + clientNo + "-" + i;
                        HttpRequest.Builder request = HttpRequest.newBuilder().header("X-Request-Id", requestId)
                                .header("Authorization", TestTenants.bearer(key)).timeout(Duration.ofSeconds(10));
                        request = i % 2 == 0
                                ? request.uri(gateway.uri("/v1/jobs")).header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"stopping " + i + "\"}"))
                                : request.uri(gateway.uri("/v1/jobs?limit=1"));
                        try {
                            HttpResponse<String> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                            Matcher job = JOB_ID.matcher(answer.body());
                            answers.add(new Answer(requestId, answer.statusCode(),
                                    answer.statusCode() == 202 && job.find() ? job.group(1) : null));
                        } catch (IOException e) {
                            // The gateway is gone: no answer, nothing to find in the log.
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
            }
            Thread.sleep(3_000);
            stop.stop(gateway);
            going.set(false);
            clients.shutdown();
            assertThat(clients.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        return new ArrayList<>(answers);
    }

    private long count(String where, List<String> values) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM call_log WHERE " + where)) {
            select.setArray(1, connection.createArrayOf("text", values.toArray()));
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
