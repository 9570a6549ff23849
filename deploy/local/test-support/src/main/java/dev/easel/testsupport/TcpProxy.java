package dev.easel.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder in front of a real server, for tests of what a service does when that server becomes
 * unreachable: {@link #cut()} drops every open connection and refuses new ones (as a crashed or partitioned
 * server would), {@link #stall()} keeps connections open and accepts new ones but forwards nothing (a server that
 * hangs), {@link #restore()} accepts connections again on the same port and forwards what a stall held back.
 */
public final class TcpProxy implements AutoCloseable {

    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private ServerSocket server;
    private volatile boolean stalled;

    private TcpProxy(String targetHost, int targetPort, int port) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.port = port;
    }

    /** A proxy on a free local port, accepting connections. */
    public static TcpProxy to(String targetHost, int targetPort) {
        TcpProxy proxy = new TcpProxy(targetHost, targetPort, LocalStack.freePort());
        proxy.restore();
        return proxy;
    }

    public int port() {
        return port;
    }

    /** Starts accepting and forwarding again (a no-op for what already works). */
    public synchronized void restore() {
        stalled = false;
        if (server != null) {
            return;
        }
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(LocalStack.HOST), port));
            server = socket;
            Thread.ofPlatform().daemon().name("tcp-proxy-" + port).start(() -> accept(socket));
        } catch (IOException e) {
            throw new UncheckedIOException("TCP proxy cannot listen on port " + port, e);
        }
    }

    /** Closes every forwarded connection and stops listening: clients see resets, then refused connections. */
    public synchronized void cut() {
        if (server == null) {
            return;
        }
        closeQuietly(server);
        server = null;
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    /** Holds every byte in either direction, on open and new connections alike, until {@link #restore()}. */
    public void stall() {
        stalled = true;
    }

    @Override
    public void close() {
        stalled = false;
        cut();
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return; // closed by cut()
            }
            try {
                Socket upstream = new Socket(targetHost, targetPort);
                synchronized (this) {
                    if (server != socket) {
                        // cut() ran while this connection was being set up: it must not outlive the cut.
                        closeQuietly(client);
                        closeQuietly(upstream);
                        return;
                    }
                    open.add(client);
                    open.add(upstream);
                }
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread.ofVirtual().start(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    while (stalled && !to.isClosed()) {
                        Thread.sleep(10);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // One side closed or was cut: end both.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        });
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Already closed.
        }
    }
}
