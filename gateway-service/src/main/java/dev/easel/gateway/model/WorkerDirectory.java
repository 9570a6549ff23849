package dev.easel.gateway.model;

import dev.easel.common.json.JsonCodec;
import dev.easel.common.queue.RedisKeys;
import dev.easel.common.queue.WorkerHeartbeat;
import dev.easel.platform.health.FailureStreak;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.sortedset.SortedSetCommands;
import io.quarkus.redis.datasource.value.ValueCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The live workers, read from their Redis heartbeats ({@code easel:workers:*}, each expiring when its worker
 * stops refreshing it) through the worker index ({@code easel:workers}). A background thread re-reads them
 * every second, so that submits and model lists never wait for Redis.
 */
@ApplicationScoped
public class WorkerDirectory {

    private static final long REFRESH_MS = 1000;

    private final ValueCommands<String, String> values;
    private final SortedSetCommands<String, String> index;
    private volatile List<WorkerHeartbeat> cached = List.of();
    private final FailureStreak failures;
    // Workers whose heartbeat could not be read, each logged once until it can be; only the refresh thread uses it.
    private final Set<String> undecodable = new HashSet<>();
    private ScheduledExecutorService timer;

    WorkerDirectory(RedisDataSource redis, MeterRegistry registry) {
        this.failures = new FailureStreak("worker heartbeats", registry);
        this.values = redis.value(String.class);
        this.index = redis.sortedSet(String.class);
    }

    void start(@Observes StartupEvent event) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("worker-directory").daemon().unstarted(r));
        timer.scheduleWithFixedDelay(this::refresh, 0, REFRESH_MS, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** The workers alive at the last refresh (at most a second ago); empty when none was, or Redis could not be read. */
    public List<WorkerHeartbeat> workers() {
        return cached;
    }

    /**
     * One worker's heartbeat; empty when this gateway cannot read it (a newer worker during a rolling upgrade may
     * announce what it does not know yet), which leaves that worker out and not the others. Logged once per worker.
     */
    private Optional<WorkerHeartbeat> decode(String id, String json) {
        try {
            WorkerHeartbeat beat = JsonCodec.decode(json.getBytes(StandardCharsets.UTF_8), WorkerHeartbeat.class);
            undecodable.remove(id);
            return Optional.of(beat);
        } catch (RuntimeException e) {
            if (undecodable.add(id)) {
                Log.warnf("worker %s: heartbeat not understood, the worker is left out: %s", id, e.getMessage());
            }
            return Optional.empty();
        }
    }

    private void refresh() {
        try {
            long now = System.currentTimeMillis();
            index.zremrangebyscore(RedisKeys.WORKERS, new ScoreRange<>(Double.NEGATIVE_INFINITY, (double) now));
            List<String> ids = index.zrangebyscore(RedisKeys.WORKERS, new ScoreRange<>((double) now, Double.POSITIVE_INFINITY));
            List<WorkerHeartbeat> workers = new ArrayList<>();
            if (!ids.isEmpty()) {
                Map<String, String> beats = values.mget(ids.stream().map(RedisKeys::worker).toArray(String[]::new));
                for (String id : ids) {
                    String json = beats.get(RedisKeys.worker(id));
                    if (json != null) {
                        decode(id, json).ifPresent(workers::add);
                    }
                }
            }
            undecodable.retainAll(ids);
            cached = List.copyOf(workers);
            failures.succeeded().ifPresent(Log::info);
        } catch (RuntimeException e) {
            failures.failed(e.toString()).ifPresent(Log::warn);
            cached = List.of();
        }
    }
}
