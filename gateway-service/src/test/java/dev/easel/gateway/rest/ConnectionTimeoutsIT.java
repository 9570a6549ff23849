package dev.easel.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.testsupport.TestKeys;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Clients that stop sending are not waited for: a body read on the event loop that stops arriving is answered 408
 * once {@code easel.api.body-read-timeout} passes, and a connection that goes silent anywhere else (in its headers,
 * between requests) is closed after {@code quarkus.http.idle-timeout} (Quarkus' own default is 30 minutes).
 */
@QuarkusTest
@TestProfile(ConnectionTimeoutsIT.ShortTimeouts.class)
class ConnectionTimeoutsIT {

    public static class ShortTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The idle timeout above the body's, so that a stalled body gets its 408 first.
            return Map.of("easel.api.body-read-timeout", "2s", "quarkus.http.idle-timeout", "4S");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void aBodyThatStopsHalfWayIsAnsweredWithRequestTimeoutAndTheConnectionClosed() throws Exception {
        byte[] job = "{\"prompt\": \"a body that never ends\"}".getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/jobs HTTP/1.1\r\nHost: " + base.getHost() + "\r\nContent-Type: application/json\r\n"
                    + "Authorization: " + TestKeys.operatorBearer() + "\r\n"
                    + "Content-Length: " + job.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(job, 0, job.length / 2);
            out.flush();
            // Everything up to the server's close: the 408 and its problem.
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 408 Request Timeout")
                    .contains("application/problem+json").contains("\"code\":\"request_timeout\"");
        }
    }

    @Test
    void aConnectionThatStopsInItsHeadersIsClosed() throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write("GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthor".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            long start = System.nanoTime();

            assertThat(socket.getInputStream().read()).as("end of stream: the gateway closed the connection").isEqualTo(-1);
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(3_000L, 20_000L);
        }
    }
}
