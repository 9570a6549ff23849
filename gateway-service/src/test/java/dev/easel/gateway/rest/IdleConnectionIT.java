package dev.easel.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.InputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A connection that goes silent is closed after {@code quarkus.http.idle-timeout} (Quarkus' own default is 30
 * minutes): a client that opens connections and sends half a request cannot keep them for long.
 */
@QuarkusTest
@TestProfile(IdleConnectionIT.ShortIdleTimeout.class)
class IdleConnectionIT {

    public static class ShortIdleTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.idle-timeout", "2S");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void aConnectionThatStopsInItsHeadersIsClosed() throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write("GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthor".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            long start = System.nanoTime();
            InputStream in = socket.getInputStream();

            assertThat(in.read()).as("end of stream: the gateway closed the connection").isEqualTo(-1);
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(1_000L, 15_000L);
        }
    }
}
