package dev.easel.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The services integration tests talk to, with the same addresses and credentials as
 * {@code deploy/local/easel}. Kafka and S3Proxy are started through that script when nothing answers on
 * their ports, once per JVM, and stopped again when the JVM that started them exits.
 */
public final class LocalStack {

    public static final String HOST = "127.0.0.1";

    private static boolean startedHere;

    private LocalStack() {
    }

    public static int kafkaPort() {
        return intEnv("EASEL_KAFKA_PORT", 9092);
    }

    public static String kafkaBootstrap() {
        return HOST + ":" + kafkaPort();
    }

    public static int s3Port() {
        return intEnv("EASEL_S3_PORT", 9000);
    }

    public static String s3Endpoint() {
        return "http://" + HOST + ":" + s3Port();
    }

    public static String s3Bucket() {
        return env("EASEL_S3_BUCKET", "easel");
    }

    public static String s3AccessKey() {
        return env("EASEL_S3_ACCESS_KEY", "easel");
    }

    public static String s3SecretKey() {
        return env("EASEL_S3_SECRET_KEY", "easel-secret");
    }

    public static String postgresHost() {
        return env("EASEL_PG_HOST", HOST);
    }

    public static int postgresPort() {
        return intEnv("EASEL_PG_PORT", 5432);
    }

    public static String postgresUser() {
        return env("EASEL_PG_USER", "postgres");
    }

    public static String redisUrl() {
        return "redis://" + env("EASEL_REDIS_HOST", HOST) + ":" + intEnv("EASEL_REDIS_PORT", 6379);
    }

    /** A local port nothing listens on right now, for a server a test starts itself. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free local port", e);
        }
    }

    /** Makes sure Kafka and S3 answer, starting them through the launcher script when they do not. */
    public static synchronized void ensureStarted() {
        if (answers(HOST, kafkaPort()) && answers(HOST, s3Port())) {
            return;
        }
        run("stack", "up");
        if (!startedHere) {
            startedHere = true;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> run("stack", "down"), "easel-stack-down"));
        }
    }

    /** Whether a TCP connection to the address succeeds within one second. */
    public static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs {@code deploy/local/easel} with the given arguments; its output goes to the stack's log folder. */
    public static void run(String... args) {
        Path root = repoRoot();
        Path log = root.resolve(".easel/logs/test-harness.log");
        String[] command = new String[args.length + 1];
        command[0] = root.resolve("deploy/local/easel").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command)
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("deploy/local/easel " + String.join(" ", args) + " timed out; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("deploy/local/easel " + String.join(" ", args)
                        + " failed with exit code " + process.exitValue() + "; see " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The repository root: set by Maven as {@code easel.repo.root}, else found by walking up to the launcher. */
    public static Path repoRoot() {
        String configured = System.getProperty("easel.repo.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (File dir = new File("").getAbsoluteFile(); dir != null; dir = dir.getParentFile()) {
            if (new File(dir, "deploy/local/easel").isFile()) {
                return dir.toPath();
            }
        }
        throw new IllegalStateException("cannot find the repository root (deploy/local/easel) from " + new File("").getAbsolutePath());
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static int intEnv(String name, int fallback) {
        return Integer.parseInt(env(name, Integer.toString(fallback)));
    }
}
