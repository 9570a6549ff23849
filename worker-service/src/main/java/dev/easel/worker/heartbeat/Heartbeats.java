package dev.easel.worker.heartbeat;

import dev.easel.common.json.JsonCodec;
import dev.easel.common.queue.RedisKeys;
import dev.easel.common.queue.WorkerHeartbeat;
import dev.easel.platform.health.FailureStreak;
import dev.easel.worker.WorkerConfig;
import dev.easel.worker.model.ModelHost;
import dev.easel.worker.queue.JobSlots;
import dev.easel.worker.queue.SlotStats;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.sortedset.SortedSetCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes this worker's heartbeat to Redis ({@code easel:workers:{id}}, expiring after {@code heartbeat-ttl}):
 * its models with their limits, slots, busy slots, execution provider and mean step time, for the gateway's
 * model list and ETAs, and enters it in the worker index ({@code easel:workers}, scored by the expiry). A worker
 * that dies drops out when its key expires; a worker that stops removes both.
 */
@ApplicationScoped
public class Heartbeats {

    private final ValueCommands<String, String> values;
    private final SortedSetCommands<String, String> index;
    private final JobSlots jobSlots;
    private final SlotStats stats;
    private final ModelHost models;
    private final WorkerConfig config;
    private final MeterRegistry registry;
    private final FailureStreak failures;
    private ScheduledExecutorService timer;

    Heartbeats(RedisDataSource redis, JobSlots jobSlots, SlotStats stats, ModelHost models, WorkerConfig config,
               MeterRegistry registry) {
        this.values = redis.value(String.class);
        this.index = redis.sortedSet(String.class);
        this.jobSlots = jobSlots;
        this.stats = stats;
        this.models = models;
        this.config = config;
        this.registry = registry;
        this.failures = new FailureStreak("heartbeat", registry);
    }

    void start(@Observes StartupEvent event) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("heartbeat").daemon().unstarted(r));
        long period = config.heartbeatInterval().toMillis();
        timer.scheduleAtFixedRate(this::beat, period, period, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
        try {
            index.zrem(RedisKeys.WORKERS, jobSlots.workerId());
            values.getdel(RedisKeys.worker(jobSlots.workerId()));
        } catch (RuntimeException e) {
            Log.debugf("heartbeat not removed at shutdown: %s", e.getMessage());
        }
    }

    private void beat() {
        if (!jobSlots.accepting()) {
            return;
        }
        try {
            var pipeline = models.pipeline().orElseThrow();
            Timer steps = registry.find("easel_worker_step_seconds").timer();
            double meanStepMs = steps == null || steps.count() == 0 ? 0 : steps.mean(TimeUnit.MILLISECONDS);
            WorkerHeartbeat heartbeat = new WorkerHeartbeat(jobSlots.workerId(), List.of(pipeline.model().pkg().limits()),
                    pipeline.model().provider().wireName(), stats.slots(), stats.busy(), meanStepMs, Instant.now());
            values.set(RedisKeys.worker(jobSlots.workerId()),
                    new String(JsonCodec.encode(heartbeat), StandardCharsets.UTF_8), new SetArgs().ex(config.heartbeatTtl()));
            index.zadd(RedisKeys.WORKERS, System.currentTimeMillis() + config.heartbeatTtl().toMillis(),
                    jobSlots.workerId());
            failures.succeeded().ifPresent(Log::info);
        } catch (RuntimeException e) {
            failures.failed(e.toString()).ifPresent(Log::warn);
        }
    }
}
