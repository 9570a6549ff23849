import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End-to-end measurements of a running gateway with its workers (run by deploy/local/easel bench-system,
 * which compiles this folder).
 *
 * <pre>java -cp CLASSES SystemBench BASE_URL jobs JOBS WIDTH HEIGHT STEPS FIRST_SEED
 *     # JOBS jobs one at a time on an idle system; one line per job: started_ms (submit -> Started), run_ms,
 *     # inference_ms and e2e_ms (created -> completed)
 * java -cp CLASSES SystemBench summary &lt; LINES
 *     # LINES: engine_ms=N lines (the engine alone, deploy/local/easel's on-demand engine) with a jobs line
 *     # between each two; each job is compared with the mean of the engine runs just before and after it.
 *     # Prints the latency and overhead figures; the last line, miss_e2e_p50=N, is for the hits call
 * java -cp CLASSES SystemBench BASE_URL hits JOBS WIDTH HEIGHT STEPS FIRST_SEED MISS_E2E_P50
 *     # the jobs' requests again with the cache allowed: exact hits, timed
 * java -cp CLASSES SystemBench BASE_URL throughput JOBS WIDTH HEIGHT STEPS LABEL [WORKER_MANAGEMENT_URL...]
 *     # JOBS submitted at once: jobs per second from the first submit to the last completion, and from the
 *     # workers' metrics how long jobs waited in the queue while a slot was free (goal: none over 100 ms)</pre>
 *
 * Every job has its own seed and bypasses the result cache, so each one runs the engine; the hits then submit
 * the same requests with the cache allowed (a bypassed job still stores its result).
 */
public class SystemBench {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    // A freshly started gateway on two cores is still compiling its hit path thousands of hits in (5,000 hits
    // take ~8 s): 20,000 hits, of which the first 1,000 (cold) and the last 10,000 (steady) are reported.
    private static final int HITS = 20_000;
    private static final int HITS_FIRST = 1000;
    private static final int HITS_STEADY = 10_000;
    private static final String PROMPT = "a large red circle in the center on a white background";

    public static void main(String[] args) throws Exception {
        if (args[0].equals("summary")) {
            summary();
            return;
        }
        String base = args[0];
        int jobs = Integer.parseInt(args[2]);
        int width = Integer.parseInt(args[3]);
        int height = Integer.parseInt(args[4]);
        int steps = Integer.parseInt(args[5]);
        switch (args[1]) {
            case "jobs" -> jobs(base, jobs, width, height, steps, Integer.parseInt(args[6]));
            case "hits" -> hits(base, jobs, width, height, steps, Integer.parseInt(args[6]), Double.parseDouble(args[7]));
            default -> throughput(base, jobs, width, height, steps, args[6], List.of(args).subList(7, args.length));
        }
    }

    private static void jobs(String base, int jobs, int width, int height, int steps, int firstSeed) throws Exception {
        for (int i = 0; i < jobs; i++) {
            Thread.sleep(300); // idle: the previous job's events and uploads are over
            // Prefer: wait holds the answer until the job ends, as a client would wait: no polling load meanwhile.
            HttpResponse<String> answer = submit(base, width, height, steps, firstSeed + i, "bypass", true);
            String job = answer.statusCode() == 200 ? answer.body() : awaitDone(base, text(answer.body(), "id"));
            if (!text(job, "status").equals("succeeded")) {
                throw new IllegalStateException("job ended " + text(job, "status") + ": " + job);
            }
            Instant created = instant(job, "created_at");
            System.out.printf("started_ms=%.1f run_ms=%.0f inference_ms=%.0f e2e_ms=%.1f%n",
                    Duration.between(created, instant(job, "started_at")).toNanos() / 1e6, number(job, "run_ms"),
                    number(job, "inference_ms"), Duration.between(created, instant(job, "completed_at")).toNanos() / 1e6);
        }
    }

    private static void summary() throws Exception {
        List<Double> toStarted = new ArrayList<>();
        List<Double> runMs = new ArrayList<>();
        List<Double> inferenceMs = new ArrayList<>();
        List<Double> engineMs = new ArrayList<>();
        List<Double> overInJob = new ArrayList<>();
        List<Double> overEngine = new ArrayList<>();
        List<Double> endToEnd = new ArrayList<>();
        BufferedReader lines = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Double engineBefore = null;
        Map<String, Double> job = null;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            Map<String, Double> fields = new HashMap<>();
            for (String field : line.trim().split("\\s+")) {
                fields.put(field.substring(0, field.indexOf('=')), Double.parseDouble(field.substring(field.indexOf('=') + 1)));
            }
            if (!fields.containsKey("engine_ms")) {
                job = fields;
                continue;
            }
            double engineAfter = fields.get("engine_ms");
            engineMs.add(engineAfter);
            if (job != null && engineBefore != null) {
                double pureEngine = (engineBefore + engineAfter) / 2;
                double run = job.get("run_ms");
                double inference = job.get("inference_ms");
                toStarted.add(job.get("started_ms"));
                runMs.add(run);
                inferenceMs.add(inference);
                endToEnd.add(job.get("e2e_ms"));
                overInJob.add((run - inference) / inference);
                overEngine.add((run - pureEngine) / pureEngine);
            }
            engineBefore = engineAfter;
            job = null;
        }
        System.out.printf("idle system, %d jobs one at a time:%n", runMs.size());
        System.out.printf("  submit -> Started ms  p50 %7.1f  p90 %7.1f  max %7.1f  (goal p50 <= 20)%n",
                pct(toStarted, 50), pct(toStarted, 90), pct(toStarted, 100));
        System.out.printf("  run_ms p50 %.0f, inference_ms p50 %.0f; engine alone p50 %.0f (min %.0f, max %.0f)%n",
                pct(runMs, 50), pct(inferenceMs, 50), pct(engineMs, 50), pct(engineMs, 0), pct(engineMs, 100));
        System.out.printf("  in-job overhead (run_ms - inference_ms) / inference_ms  p50 %.3f%n", pct(overInJob, 50));
        double[] interval = medianInterval(overEngine);
        System.out.printf("  pipeline overhead (run_ms - engine alone just before and after) / engine alone  p50 %.3f"
                + " (95%% interval of the median %.3f to %.3f)  (goal <= 0.05)%n", pct(overEngine, 50), interval[0], interval[1]);
        System.out.printf("miss_e2e_p50=%.1f%n", pct(endToEnd, 50));
    }

    private static void hits(String base, int jobs, int width, int height, int steps, int firstSeed, double missP50)
            throws Exception {
        // The first hits run through code still being compiled (JIT) in this client and in a freshly started
        // gateway, and each entry's first hit checks storage: both the first hits and the last ones, after
        // thousands (the steady state of a gateway that has been serving), are reported.
        // They go over one keep-alive connection without a client library (HttpWire), so that what is timed is
        // the gateway's answer rather than java.net.http's thread hand-offs.
        List<Double> hits = new ArrayList<>();
        URI uri = URI.create(base);
        InetSocketAddress address = new InetSocketAddress(uri.getHost(), uri.getPort());
        byte[][] requests = new byte[jobs][];
        for (int i = 0; i < jobs; i++) {
            requests[i] = HttpWire.postJson(address, "/v1/jobs", body(width, height, steps, firstSeed + i, "use"));
        }
        try (HttpWire.Connection connection = new HttpWire.Connection(address)) {
            for (int round = 0; round < Math.max(1, HITS / jobs); round++) {
                for (int i = 0; i < jobs; i++) {
                    long start = System.nanoTime();
                    int status = connection.exchange(requests[i]);
                    hits.add((System.nanoTime() - start) / 1e6);
                    if (status != 200 || !connection.body().contains("\"cache\":\"hit\"")) {
                        throw new IllegalStateException("expected a cache hit: " + status + " " + connection.body());
                    }
                }
            }
        }
        List<Double> first = hits.subList(0, Math.min(HITS_FIRST, hits.size()));
        List<Double> last = hits.subList(Math.max(0, hits.size() - HITS_STEADY), hits.size());
        System.out.printf("  exact cache hit, submit round trip ms  first %d: p50 %.2f  p99 %.2f;  last %d of %d: p50 %.2f  p99 %.2f  (goal p99 <= 5)%n",
                first.size(), pct(first, 50), pct(first, 99), last.size(), hits.size(), pct(last, 50), pct(last, 99));
        System.out.printf("  a miss end to end (created -> completed) ms p50 %.0f; steady hit p50 / miss p50 = 1/%.0f (goal <= 1/1000)%n",
                missP50, missP50 / pct(last, 50));
    }

    private static void throughput(String base, int jobs, int width, int height, int steps, String label,
                                   List<String> workers) throws Exception {
        double[] waitsBefore = idleSlotWaits(workers);
        Instant first = Instant.now();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            ids.add(text(submit(base, width, height, steps, 9000 + i, "bypass", false).body(), "id"));
        }
        Instant last = first;
        for (String id : ids) {
            Instant completed = instant(awaitDone(base, id), "completed_at");
            last = completed.isAfter(last) ? completed : last;
        }
        double seconds = Duration.between(first, last).toNanos() / 1e9;
        System.out.printf("%s: %d jobs (%dx%d, %d steps) in %.1f s = %.2f jobs/s%n", label, jobs, width, height, steps,
                seconds, jobs / seconds);
        double[] waits = idleSlotWaits(workers);
        System.out.printf("  queued while a slot was free: <= 10 ms %.0f, <= 100 ms %.0f, <= 1 s %.0f of %.0f jobs (goal: all <= 100 ms)%n",
                waits[1] - waitsBefore[1], waits[2] - waitsBefore[2], waits[3] - waitsBefore[3], waits[0] - waitsBefore[0]);
    }

    /**
     * The workers' easel_worker_idle_slot_wait_seconds histograms summed: count, then the cumulative buckets
     * 10 ms, 100 ms and 1 s.
     */
    private static double[] idleSlotWaits(List<String> workers) throws Exception {
        String[] series = {"_count", "_bucket{le=\"0.01\"", "_bucket{le=\"0.1\"", "_bucket{le=\"1.0\""};
        double[] sums = new double[series.length];
        for (String worker : workers) {
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(worker + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String line : metrics.lines().toList()) {
                for (int i = 0; i < series.length; i++) {
                    if (line.startsWith("easel_worker_idle_slot_wait_seconds" + series[i])) {
                        sums[i] += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    }
                }
            }
        }
        return sums;
    }

    private static HttpResponse<String> submit(String base, int width, int height, int steps, int seed, String cache,
                                               boolean waitForResult) throws Exception {
        HttpRequest.Builder request = authorized(HttpRequest.newBuilder(URI.create(base + "/v1/jobs")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(width, height, steps, seed, cache)));
        if (waitForResult) {
            request.header("Prefer", "wait=60");
        }
        HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 202 && answer.statusCode() != 200) {
            throw new IllegalStateException("submit answered " + answer.statusCode() + ": " + answer.body());
        }
        return answer;
    }

    private static HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return HttpWire.API_KEY == null ? request : request.header("Authorization", "Bearer " + HttpWire.API_KEY);
    }

    private static String body(int width, int height, int steps, int seed, String cache) {
        return """
                {"prompt": "%s", "width": %d, "height": %d, "steps": %d, "seed": %d, "cache": "%s"}"""
                .formatted(PROMPT, width, height, steps, seed, cache);
    }

    private static String awaitDone(String base, String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            String job = HTTP.send(authorized(HttpRequest.newBuilder(URI.create(base + "/v1/jobs/" + id))).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String status = text(job, "status");
            if (status.equals("succeeded")) {
                return job;
            }
            if (List.of("failed", "canceled", "expired").contains(status)) {
                throw new IllegalStateException("job " + id + " ended " + status + ": " + job);
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("job " + id + " did not finish within 10 minutes");
    }

    private static String text(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + field + " in " + json);
        }
        return m.group(1);
    }

    private static Instant instant(String json, String field) {
        return Instant.parse(text(json, field));
    }

    private static double number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*([0-9.]+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + field + " in " + json);
        }
        return Double.parseDouble(m.group(1));
    }

    /**
     * A distribution-free 95 % confidence interval of the median: the order statistics n/2 ∓ 0.98·√n (normal
     * approximation of the binomial). Single engine runs here vary by ±10 % within minutes, so the p50 of 20-30
     * jobs moves by a few points between runs; the interval shows how far.
     */
    private static double[] medianInterval(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        int low = (int) Math.floor(n / 2.0 - 0.98 * Math.sqrt(n));
        int high = (int) Math.ceil(n / 2.0 + 1 + 0.98 * Math.sqrt(n));
        return new double[] {sorted.get(Math.max(0, low - 1)), sorted.get(Math.min(n - 1, high - 1))};
    }

    private static double pct(List<Double> values, int percentile) {
        List<Double> sorted = values.stream().sorted().toList();
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
