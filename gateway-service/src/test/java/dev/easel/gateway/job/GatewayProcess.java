package dev.easel.gateway.job;

import dev.easel.testsupport.LocalStack;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The packaged gateway ({@code target/quarkus-app}) as a separate process that a test can SIGKILL. */
final class GatewayProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private GatewayProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static GatewayProcess start(String jdbcUrl, Map<String, String> env) throws IOException {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: integration tests run after `package`");
        }
        int port = freePort();
        Path log = Files.createTempFile("gateway-process", ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "--sun-misc-unsafe-memory-access=allow", "-jar",
                jar.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> e = builder.environment();
        e.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        e.put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl);
        e.put("QUARKUS_DATASOURCE_USERNAME", LocalStack.postgresUser());
        e.put("KAFKA_BOOTSTRAP_SERVERS", LocalStack.kafkaBootstrap());
        e.put("QUARKUS_REDIS_HOSTS", LocalStack.redisUrl());
        e.put("EASEL_STORAGE_ENDPOINT", LocalStack.s3Endpoint());
        e.put("EASEL_STORAGE_BUCKET", LocalStack.s3Bucket());
        e.put("EASEL_STORAGE_ACCESS_KEY_ID", LocalStack.s3AccessKey());
        e.put("EASEL_STORAGE_SECRET_ACCESS_KEY", LocalStack.s3SecretKey());
        e.putAll(env);
        GatewayProcess gateway = new GatewayProcess(builder.start(), port, log);
        gateway.awaitReady(Duration.ofSeconds(60));
        return gateway;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private void awaitReady(Duration timeout) throws IOException {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("gateway process exited: " + Files.readString(log));
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        throw new IllegalStateException("gateway process not ready within " + timeout + ": " + Files.readString(log));
    }

    /** SIGKILL: no shutdown hooks, no flushing, exactly like a crashed pod. */
    void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            process.waitFor();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
