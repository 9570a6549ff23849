package dev.easel.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis server of a test's own (the machine's {@code redis-server} on a free port, nothing kept on disk), for
 * tests that kill Redis without disturbing the shared one: {@link #kill()} sends SIGKILL, {@link #start()}
 * brings it back on the same port.
 */
public final class LocalRedis {

    private final int port;
    private Process process;

    private LocalRedis(int port) {
        this.port = port;
    }

    public static LocalRedis onFreePort() {
        return new LocalRedis(LocalStack.freePort());
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://" + LocalStack.HOST + ":" + port;
    }

    public synchronized LocalRedis start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        try {
            process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind",
                    LocalStack.HOST, "--save", "", "--appendonly", "no", "--daemonize", "no"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server (is it installed?)", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::kill, "test-redis-stop"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (answers()) {
                return this;
            }
            sleep();
        }
        throw new IllegalStateException("redis-server did not answer on port " + port);
    }

    /** SIGKILL: what a crashed or OOM-killed Redis looks like to its clients. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * SIGSTOP, or SIGCONT when {@code frozen} is false: a Redis that keeps its connections open and stops answering
     * (a hung host, a black-holed network), which clients notice only through their own timeouts.
     */
    public synchronized void freeze(boolean frozen) {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("redis-server is not running");
        }
        try {
            Process signal = new ProcessBuilder("kill", frozen ? "-STOP" : "-CONT", Long.toString(process.pid()))
                    .inheritIO().start();
            if (!signal.waitFor(10, TimeUnit.SECONDS) || signal.exitValue() != 0) {
                throw new IllegalStateException("could not signal redis-server " + process.pid());
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not signal redis-server", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling redis-server", e);
        }
    }

    private boolean answers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LocalStack.HOST, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static File log() {
        File dir = new File(System.getProperty("java.io.tmpdir"), "easel-test-redis");
        dir.mkdirs();
        return new File(dir, "redis.log");
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
