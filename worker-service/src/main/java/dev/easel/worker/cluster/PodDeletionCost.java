package dev.easel.worker.cluster;

import io.quarkus.logging.Log;
import java.io.IOException;
import java.util.function.IntSupplier;

/**
 * Keeps this pod's {@code controller.kubernetes.io/pod-deletion-cost} equal to its busy slots, so that when a
 * Deployment scales in, the ReplicaSet controller removes idle workers (cost 0) before busy ones. Only a change
 * is written; a failed write is tried again on the next {@link #sync()}.
 */
final class PodDeletionCost {

    static final String ANNOTATION = "controller.kubernetes.io/pod-deletion-cost";

    private final PodPatcher pod;
    private final IntSupplier busySlots;
    private Integer written;
    private boolean failing;

    PodDeletionCost(PodPatcher pod, IntSupplier busySlots) {
        this.pod = pod;
        this.busySlots = busySlots;
    }

    /** Writes the current cost if it differs from the last one written. */
    synchronized void sync() throws InterruptedException {
        int cost = busySlots.getAsInt();
        if (written != null && written == cost) {
            return;
        }
        try {
            pod.annotate(ANNOTATION, Integer.toString(cost));
            written = cost;
            if (failing) {
                Log.infof("pod deletion cost written again (%d)", cost);
                failing = false;
            }
        } catch (IOException e) {
            if (!failing) {
                Log.warnf("pod deletion cost %d not written (retrying; may the service account patch pods?): %s",
                        cost, e.getMessage());
                failing = true;
            }
        }
    }
}
