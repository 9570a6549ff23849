package dev.easel.worker.cluster;

import dev.easel.worker.queue.SlotStats;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs {@link PodDeletionCost} every {@code easel.cluster.deletion-cost.interval} when it is enabled. */
@ApplicationScoped
public class PodDeletionCostUpdater {

    private final ClusterConfig config;
    private final SlotStats stats;
    private ScheduledExecutorService timer;

    PodDeletionCostUpdater(ClusterConfig config, SlotStats stats) {
        this.config = config;
        this.stats = stats;
    }

    void start(@Observes StartupEvent event) throws IOException {
        if (!config.deletionCost().enabled()) {
            return;
        }
        String podName = config.podName().orElseThrow(() -> new IllegalStateException(
                "easel.cluster.deletion-cost.enabled needs easel.cluster.pod-name (EASEL_CLUSTER_POD_NAME)"));
        String namespace = config.namespace().isPresent() ? config.namespace().get()
                : Files.readString(config.serviceAccountDir().resolve("namespace"), StandardCharsets.UTF_8).strip();
        PodDeletionCost cost = new PodDeletionCost(
                PodPatcher.forPod(config.apiServer(), config.serviceAccountDir(), namespace, podName), stats::busy);
        timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("pod-deletion-cost").daemon().unstarted(r));
        long period = config.deletionCost().interval().toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                cost.sync();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // Thrown out of the task, it would end the periodic updates for good.
                Log.warnf(e, "pod deletion cost not updated; trying again in %d ms", period);
            }
        }, 0, period, TimeUnit.MILLISECONDS);
        Log.infof("keeping %s of pod %s/%s equal to the busy slots", PodDeletionCost.ANNOTATION, namespace, podName);
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
