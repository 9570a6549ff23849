package dev.easel.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A packaged Easel service ({@code <module>/target/quarkus-app}) run as its own process against the local
 * stack, so tests can kill it like a crashed pod (SIGKILL) or stop it like a rolled one (SIGTERM).
 */
public final class ServiceProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final int port;
    private final int managementPort;
    private final Path log;

    private ServiceProcess(String name, Process process, int port, int managementPort, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
        this.log = log;
    }

    /**
     * Starts {@code module}'s packaged app with the stack's addresses plus {@code env}, and waits until its
     * readiness answers 200.
     */
    public static ServiceProcess start(String name, String module, Map<String, String> env, Duration readyWithin)
            throws IOException {
        Path root = LocalStack.repoRoot();
        Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build the module first (integration tests run after `package`)");
        }
        int port = LocalStack.freePort();
        int managementPort = LocalStack.freePort();
        Path log = Files.createTempFile("easel-" + name + "-", ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "--sun-misc-unsafe-memory-access=allow",
                "--enable-native-access=ALL-UNNAMED"));
        command.addAll(heapAndGc(module));
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> e = builder.environment();
        e.putAll(stackEnv());
        e.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        e.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
        // A worker's own drain token: several run on this machine.
        e.put("EASEL_WORKER_DRAIN_TOKEN_FILE", log.resolveSibling(log.getFileName() + ".drain-token").toString());
        e.putAll(env);
        ServiceProcess service = new ServiceProcess(name, builder.start(), port, managementPort, log);
        service.awaitReady(readyWithin);
        return service;
    }

    /** The heap and collector each service runs with in deployments (deploy/local/easel, the image, the chart). */
    private static List<String> heapAndGc(String module) {
        return module.equals("gateway-service") ? List.of("-XX:+UseZGC", "-Xms1g", "-Xmx1g") : List.of("-Xmx1g");
    }

    /** The local stack's addresses as the services' environment variables. */
    public static Map<String, String> stackEnv() {
        Map<String, String> e = new HashMap<>();
        e.put("KAFKA_BOOTSTRAP_SERVERS", LocalStack.kafkaBootstrap());
        e.put("QUARKUS_REDIS_HOSTS", LocalStack.redisUrl());
        e.put("EASEL_STORAGE_ENDPOINT", LocalStack.s3Endpoint());
        e.put("EASEL_STORAGE_BUCKET", LocalStack.s3Bucket());
        e.put("EASEL_STORAGE_ACCESS_KEY_ID", LocalStack.s3AccessKey());
        e.put("EASEL_STORAGE_SECRET_ACCESS_KEY", LocalStack.s3SecretKey());
        e.put("QUARKUS_DATASOURCE_USERNAME", LocalStack.postgresUser());
        return e;
    }

    public String name() {
        return name;
    }

    /** {@code path} on the API port. */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** {@code path} on the management port: health, metrics, a worker's drain. */
    public URI managementUri(String path) {
        return URI.create("http://127.0.0.1:" + managementPort + path);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    private void awaitReady(Duration timeout) throws IOException {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited during start-up:\n" + log());
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(managementUri("/q/health/ready")).build(),
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
        throw new IllegalStateException(name + " not ready within " + timeout + ":\n" + log());
    }

    /** SIGKILL: no shutdown hooks, nothing flushed, exactly like a crashed pod. */
    public void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, then waits for the process to exit. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            process.waitFor();
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
