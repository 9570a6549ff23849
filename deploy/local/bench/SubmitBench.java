import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load generator for POST /v1/jobs (run by deploy/local/easel bench-api).
 *
 * <pre>java SubmitBench.java BASE_URL closed CLIENTS SECONDS [WARMUP]  # throughput at a fixed number of clients
 * java SubmitBench.java BASE_URL open RATE SECONDS [WARMUP]        # latency at a fixed arrival rate</pre>
 *
 * WARMUP (seconds, default 3) of closed-loop load come first and are not counted: JIT, pools, prepared statements.
 *
 * Every request is a distinct valid text-to-image job; any answer other than 202 counts as an error.
 */
public class SubmitBench {

    private static final AtomicLong SEQ = new AtomicLong();
    // Prompts differ between runs too: a run against the same Redis must not find the in-flight markers of an
    // earlier run's jobs (whose rows a recreated database no longer has) and wait out easel.cache.leader-wait.
    private static final String RUN = Long.toString(System.nanoTime(), 36);

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String mode = args[1];
        int n = Integer.parseInt(args[2]);
        Duration duration = Duration.ofSeconds(Long.parseLong(args[3]));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create(base + "/v1/jobs");
        Duration warmup = Duration.ofSeconds(args.length > 4 ? Long.parseLong(args[4]) : 3);
        closed(client, uri, mode.equals("open") ? Math.min(n, 8) : n, warmup);
        Result result = mode.equals("open") ? open(client, uri, n, duration) : closed(client, uri, n, duration);
        result.print(mode, n, duration);
    }

    private static Result closed(HttpClient client, URI uri, int clients, Duration duration) throws Exception {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong errors = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < clients; i++) {
                pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        submit(client, uri, latencies, errors);
                    }
                    return null;
                });
            }
        }
        return new Result(latencies, errors.get(), System.nanoTime() - start);
    }

    private static Result open(HttpClient client, URI uri, int rate, Duration duration) throws Exception {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong errors = new AtomicLong();
        long total = rate * duration.toSeconds();
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; i < total; i++) {
                long due = start + i * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait));
                }
                pool.submit(() -> {
                    submit(client, uri, latencies, errors);
                    return null;
                });
            }
        }
        return new Result(latencies, errors.get(), System.nanoTime() - start);
    }

    private static void submit(HttpClient client, URI uri, ConcurrentLinkedQueue<Long> latencies, AtomicLong errors) {
        String body = "{\"prompt\": \"bench " + RUN + " " + SEQ.incrementAndGet() + " a red circle\", \"seed\": 1}";
        HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long t0 = System.nanoTime();
        try {
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() != 202) {
                errors.incrementAndGet();
                return;
            }
            latencies.add(System.nanoTime() - t0);
        } catch (Exception e) {
            errors.incrementAndGet();
        }
    }

    private record Result(ConcurrentLinkedQueue<Long> latencies, long errors, long elapsedNanos) {
        void print(String mode, int n, Duration duration) {
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            double seconds = elapsedNanos / 1e9;
            System.out.printf("submit %s %s=%d: %d ok, %d errors in %.1f s -> %.0f submits/s; latency ms p50 %.2f p90 %.2f p99 %.2f max %.2f%n",
                    mode, mode.equals("open") ? "rate" : "clients", n, sorted.length, errors, seconds,
                    sorted.length / seconds, pct(sorted, 50), pct(sorted, 90), pct(sorted, 99),
                    sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
        }

        private static double pct(long[] sorted, double p) {
            if (sorted.length == 0) {
                return 0;
            }
            int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
        }
    }

}
