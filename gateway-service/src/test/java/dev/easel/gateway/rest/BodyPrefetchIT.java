package dev.easel.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.gateway.upload.TestImages;
import dev.easel.testsupport.TestKeys;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Request bodies are read on the event loop ({@link BodyPrefetchFilter}): clients that send their bodies slowly
 * hold no worker thread while they do. Without it each such request blocks a worker thread on its body for up to
 * the REST layer's 60 s read timeout, and more of them than the worker pool has threads leave every other request
 * waiting.
 */
@QuarkusTest
@TestProfile(SmallWorkerPool.class)
class BodyPrefetchIT {

    private static final int TRICKLING_CLIENTS = 40;

    @TestHTTPResource("/")
    URL base;

    @Test
    void clientsTricklingJobsDoNotStarveOtherRequests() throws Exception {
        byte[] job = "{\"prompt\": \"a body sent in two pieces\", \"seed\": 7}".getBytes(StandardCharsets.UTF_8);
        trickleThenCheck("/v1/jobs", "application/json", job, "HTTP/1.1 202 Accepted");
    }

    @Test
    void clientsTricklingUploadsDoNotStarveOtherRequests() throws Exception {
        trickleThenCheck("/v1/uploads", "image/png", TestImages.png(16, 16), "HTTP/1.1 201 Created");
    }

    @Test
    void aClientThatAsksToContinueIsToldToAndIsAnswered() throws Exception {
        byte[] job = "{\"prompt\": \"a body sent after 100 Continue\"}".getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/jobs HTTP/1.1\r\nHost: " + base.getHost() + "\r\nContent-Type: application/json\r\n"
                    + "Authorization: " + TestKeys.operatorBearer() + "\r\n"
                    + "Expect: 100-continue\r\nContent-Length: " + job.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            assertThat(statusLine(in)).isEqualTo("HTTP/1.1 100 Continue");
            in.readNBytes(3); // the rest of the interim response: "\n\r\n"
            out.write(job);
            out.flush();
            assertThat(statusLine(in)).isEqualTo("HTTP/1.1 202 Accepted");
        }
    }

    /**
     * Opens {@value #TRICKLING_CLIENTS} requests that send half their body and stop, checks that another request is
     * answered meanwhile, then sends the rest of one of them and checks its answer.
     */
    private void trickleThenCheck(String path, String contentType, byte[] body, String expectedStatus) throws Exception {
        int half = body.length / 2;
        List<Socket> trickling = new ArrayList<>();
        try {
            for (int i = 0; i < TRICKLING_CLIENTS; i++) {
                Socket socket = new Socket(base.getHost(), base.getPort());
                OutputStream out = socket.getOutputStream();
                out.write(("POST " + path + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\n" + "Authorization: " + TestKeys.operatorBearer() + "\r\n"
                        + "Content-Type: " + contentType
                        + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body, 0, half);
                out.flush();
                trickling.add(socket);
            }

            HttpResponse<String> other = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "v1/jobs"))
                    .header("Authorization", TestKeys.operatorBearer())
                    .timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"a request sent in one piece\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(other.statusCode()).isEqualTo(202);

            // The rest of a trickled body arrives: that request is answered as if it had come in one piece.
            Socket last = trickling.getLast();
            last.getOutputStream().write(body, half, body.length - half);
            last.getOutputStream().flush();
            last.setSoTimeout(20_000);
            assertThat(statusLine(last.getInputStream())).isEqualTo(expectedStatus);
        } finally {
            for (Socket socket : trickling) {
                socket.close();
            }
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
            line.append((char) c);
        }
        return line.toString();
    }
}
