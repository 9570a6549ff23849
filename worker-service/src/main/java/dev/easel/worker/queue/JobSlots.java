package dev.easel.worker.queue;

import dev.easel.worker.WorkerConfig;
import dev.easel.worker.job.JobRunner;
import dev.easel.worker.model.ModelHost;
import dev.easel.platform.kafka.TopicsConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts this worker's job slots once the model is loaded and warmed up, and shuts them down gracefully:
 * stop acquiring, let running jobs finish within {@code shutdown-grace}, then release what is left.
 */
@ApplicationScoped
public class JobSlots {

    private final WorkerConfig config;
    private final TopicsConfig topics;
    private final ModelHost models;
    private final JobRunner runner;
    private final SlotStats stats;
    private final Map<String, Object> kafka;
    private final String workerId;
    private final List<JobSlot> slots = new ArrayList<>();
    private volatile boolean accepting;
    private volatile boolean shuttingDown;
    private volatile Instant drained;

    JobSlots(WorkerConfig config, TopicsConfig topics, ModelHost models, JobRunner runner, SlotStats stats,
             @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.config = config;
        this.topics = topics;
        this.models = models;
        this.runner = runner;
        this.stats = stats;
        this.kafka = kafka;
        this.workerId = config.id().orElseGet(JobSlots::defaultId);
    }

    private static String defaultId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "worker";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }

    public String workerId() {
        return workerId;
    }

    /** Whether slots are taking jobs: false until the model is ready and again from the start of shutdown. */
    public boolean accepting() {
        return accepting && !shuttingDown;
    }

    void start(@Observes StartupEvent event) {
        Thread.ofPlatform().name("job-slots-start").daemon().start(this::startWhenModelReady);
    }

    private void startWhenModelReady() {
        while (!shuttingDown) {
            if (models.failure().isPresent()) {
                Log.errorf("no job slots: the model did not load (%s)", models.failure().get());
                return;
            }
            if (models.pipeline().isPresent()) {
                break;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        synchronized (slots) {
            if (shuttingDown || models.pipeline().isEmpty()) {
                return;
            }
            for (int i = 0; i < config.slots(); i++) {
                String clientId = workerId + "-slot-" + i;
                JobSlot slot = new JobSlot(i, workerId, topics.jobs(),
                        () -> JobSlot.newConsumer(kafka, clientId, topics.workerGroup(), config.fetchMaxWait()),
                        config.renewInterval(), runner::run, stats);
                stats.slotStarted();
                slot.start();
                slots.add(slot);
            }
            accepting = true;
        }
        Log.infof("worker %s: %d slot(s) taking jobs from the share group", workerId, config.slots());
    }

    void stop(@Observes ShutdownEvent event) {
        drain();
    }

    /**
     * Stops acquiring for good, lets running jobs finish within {@code shutdown-grace}, then stops and releases what
     * is left; returns when every slot has ended. Shutdown calls it, and so may a preStop hook before it; a second
     * call finds the slots ended and returns at once.
     */
    public void drain() {
        shuttingDown = true;
        List<JobSlot> running;
        synchronized (slots) {
            running = List.copyOf(slots);
        }
        running.forEach(JobSlot::stopAcquiring);
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        try {
            for (JobSlot slot : running) {
                slot.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running.forEach(JobSlot::stopNow);
        try {
            for (JobSlot slot : running) {
                if (!slot.join(Duration.ofSeconds(10))) {
                    slot.abort();
                    slot.join(Duration.ofSeconds(5));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drained = Instant.now();
        Log.infof("worker %s: slots stopped", workerId);
    }

    /** When a drain (or shutdown) last ended with every slot stopped; empty while none has. */
    public Optional<Instant> drained() {
        return Optional.ofNullable(drained);
    }
}
