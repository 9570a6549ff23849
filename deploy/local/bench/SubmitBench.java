import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Load generator for POST /v1/jobs (run by deploy/local/easel bench-api, which compiles this folder: the benches
 * share HttpWire).
 *
 * <pre>java -cp CLASSES SubmitBench BASE_URL closed CLIENTS SECONDS [WARMUP]  # throughput at a fixed number of clients
 * java -cp CLASSES SubmitBench BASE_URL open RATE SECONDS [WARMUP]        # latency at a fixed arrival rate</pre>
 *
 * WARMUP (seconds, default 3) of the same load come first and are not counted: JIT, pools, prepared statements, and
 * in the open loop the gateway's worker threads for that rate (the first second after a switch from a closed loop
 * held most of the slow requests of a 15 s open run).
 *
 * Every request is a distinct valid text-to-image job; any answer other than 202 counts as an error.
 *
 * <p>The generator shares the machine with what it measures (and pgbench, which it is compared with, is a lean C
 * client), so it drives keep-alive HTTP/1.1 connections through one selector thread with requests it formats
 * itself, plus, in the open loop, a thread that sleeps until each request is due: 3-6 % of a core at 1,600 submits/s
 * where java.net.http's client took 20-35 %. In the open loop a
 * request's latency counts from the moment it was due, so time it spent waiting for a free connection counts too
 * (no coordinated omission); connections are added, up to {@link #MAX_CONNECTIONS}, when none is free.
 */
public class SubmitBench {

    private static final int MAX_CONNECTIONS = 256;
    private static final int OPEN_CONNECTIONS_AT_START = 16;
    // Prompts differ between runs too: a run against the same Redis must not find the in-flight markers of an
    // earlier run's jobs (whose rows a recreated database no longer has) and wait out easel.cache.leader-wait.
    private static final String RUN = Long.toString(System.nanoTime(), 36);
    // One sequence for the warm-up and the measured load: a prompt seen twice would be coalesced or a cache hit.
    private static long seq;

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        String mode = args[1];
        int n = Integer.parseInt(args[2]);
        Duration duration = Duration.ofSeconds(Long.parseLong(args[3]));
        Duration warmup = Duration.ofSeconds(args.length > 4 ? Long.parseLong(args[4]) : 3);
        InetSocketAddress address = new InetSocketAddress(base.getHost(), base.getPort());
        boolean open = mode.equals("open");
        run(address, open, n, warmup);
        Result result = run(address, open, n, duration);
        result.print(mode, n);
    }

    private static Result run(InetSocketAddress address, boolean open, int n, Duration duration) throws Exception {
        Load load = new Load(address);
        return open ? load.open(n, duration) : load.closed(n, duration);
    }

    /** One run: a selector, its connections and what they measured. */
    private static final class Load {
        private final InetSocketAddress address;
        private final Selector selector;
        private final ConcurrentLinkedDeque<Conn> idle = new ConcurrentLinkedDeque<>();
        private final AtomicInteger connections = new AtomicInteger();
        private volatile boolean sending = true;
        // Read after the sender has been joined.
        private IOException senderFailure;
        private long[] latencies = new long[1 << 16];
        private int count;
        private long errors;

        Load(InetSocketAddress address) throws IOException {
            this.address = address;
            this.selector = Selector.open();
        }

        /** Each of {@code clients} connections sends its next request as soon as the previous one is answered. */
        Result closed(int clients, Duration duration) throws IOException {
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            for (int i = 0; i < clients; i++) {
                connect().send(System.nanoTime());
            }
            while (connections.get() > 0) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    Conn conn = (Conn) key.attachment();
                    if (conn.readable() && System.nanoTime() < end) {
                        conn.send(System.nanoTime());
                    } else if (!conn.busy()) {
                        conn.close();
                    }
                }
                selector.selectedKeys().clear();
            }
            return result(System.nanoTime() - start);
        }

        /**
         * Requests due every 1/rate seconds, whatever became of the earlier ones. A sender thread sleeps until each
         * is due and writes it on a free connection; this thread reads the answers. (One thread doing both would
         * have to poll the selector in a loop between requests less than a millisecond apart.)
         */
        Result open(int rate, Duration duration) throws Exception {
            for (int i = 0; i < OPEN_CONNECTIONS_AT_START; i++) {
                idle.add(connect());
            }
            long total = rate * duration.toSeconds();
            long interval = 1_000_000_000L / rate;
            long start = System.nanoTime();
            Thread sender = Thread.ofPlatform().name("sender").start(() -> {
                try {
                    for (long i = 0; i < total; i++) {
                        long due = start + i * interval;
                        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                            LockSupport.parkNanos(wait);
                        }
                        Conn conn = idle.poll();
                        while (conn == null || !conn.channel.isOpen()) {
                            if (connections.get() < MAX_CONNECTIONS) {
                                conn = connect();
                                selector.wakeup();
                            } else {
                                LockSupport.parkNanos(50_000);
                                conn = idle.poll();
                            }
                        }
                        conn.send(due);
                    }
                } catch (IOException e) {
                    senderFailure = e;
                } finally {
                    sending = false;
                }
            });
            while (sending || idle.size() < connections.get()) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    Conn conn = (Conn) key.attachment();
                    if (conn.readable()) {
                        idle.add(conn);
                    }
                }
                selector.selectedKeys().clear();
            }
            sender.join();
            if (senderFailure != null) {
                throw senderFailure;
            }
            long elapsed = System.nanoTime() - start;
            for (Conn conn : idle) {
                conn.close();
            }
            return result(elapsed);
        }

        private Conn connect() throws IOException {
            SocketChannel channel = SocketChannel.open(address);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
            Conn conn = new Conn(channel);
            channel.register(selector, SelectionKey.OP_READ, conn);
            connections.incrementAndGet();
            return conn;
        }

        private void record(long nanos, boolean accepted) {
            if (!accepted) {
                errors++;
                return;
            }
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = nanos;
        }

        private Result result(long elapsedNanos) throws IOException {
            selector.close();
            long[] sorted = Arrays.copyOf(latencies, count);
            Arrays.sort(sorted);
            return new Result(sorted, errors, elapsedNanos);
        }

        /** A keep-alive connection with at most one request outstanding. */
        private final class Conn {
            private final SocketChannel channel;
            private ByteBuffer in = ByteBuffer.allocate(16 * 1024);
            // Written by the sender, read by the selector thread.
            private volatile long since = -1;

            Conn(SocketChannel channel) {
                this.channel = channel;
            }

            boolean busy() {
                return since >= 0;
            }

            /** Sends a new job; its latency counts from {@code dueNanos}. */
            void send(long dueNanos) throws IOException {
                String body = "{\"prompt\": \"bench " + RUN + " " + (++seq) + " a red circle\", \"seed\": 1}";
                ByteBuffer out = ByteBuffer.wrap(HttpWire.postJson(address, "/v1/jobs", body));
                since = dueNanos;
                while (out.hasRemaining()) {
                    channel.write(out);
                }
            }

            /**
             * Reads what arrived; returns true when it completed the response to the request outstanding (recorded),
             * leaving the connection free for another.
             */
            boolean readable() throws IOException {
                if (in.remaining() == 0) {
                    in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
                }
                int read = channel.read(in);
                if (read < 0) {
                    if (busy()) {
                        record(0, false);
                    }
                    close();
                    return false;
                }
                int status = HttpWire.complete(in.array(), in.position());
                if (status == 0) {
                    return false;
                }
                record(System.nanoTime() - since, status == 202);
                since = -1;
                in.clear();
                return true;
            }

            void close() throws IOException {
                if (channel.isOpen()) {
                    channel.close();
                    connections.decrementAndGet();
                }
            }
        }
    }

    private record Result(long[] sorted, long errors, long elapsedNanos) {
        void print(String mode, int n) {
            double seconds = elapsedNanos / 1e9;
            System.out.printf("submit %s %s=%d: %d ok, %d errors in %.1f s -> %.0f submits/s; latency ms p50 %.2f p90 %.2f p99 %.2f max %.2f%n",
                    mode, mode.equals("open") ? "rate" : "clients", n, sorted.length, errors, seconds,
                    sorted.length / seconds, pct(50), pct(90), pct(99),
                    sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
        }

        private double pct(double p) {
            if (sorted.length == 0) {
                return 0;
            }
            int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
        }
    }
}
