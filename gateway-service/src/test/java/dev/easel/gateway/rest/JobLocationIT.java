package dev.easel.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.testsupport.TestKeys;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A submitted job's {@code Location} is never built from the {@code Host} header the client sent (a client could
 * make the gateway hand out links to any host): without {@code easel.api.public-base-url} it is the path alone.
 */
@QuarkusTest
class JobLocationIT {

    @TestHTTPResource("/")
    URL base;

    @Test
    void locationIgnoresTheHostHeader() throws Exception {
        byte[] job = ("{\"prompt\": \"where am I " + UUID.randomUUID() + "\"}").getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/jobs HTTP/1.1\r\nHost: attacker.example\r\nContent-Type: application/json\r\n"
                    + "Authorization: " + TestKeys.operatorBearer() + "\r\nConnection: close\r\n"
                    + "Content-Length: " + job.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(job);
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answer).startsWith("HTTP/1.1 202").doesNotContain("attacker.example");
            assertThat(answer).containsPattern("(?i)\r\nlocation: /v1/jobs/[0-9a-f-]{36}\r\n");
        }
    }
}
