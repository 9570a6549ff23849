package dev.easel.worker.queue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** How many slots this worker has and how many are busy: heartbeats and the utilisation gauge read it. */
@ApplicationScoped
public class SlotStats {

    private final AtomicInteger slots = new AtomicInteger();
    private final AtomicInteger busy = new AtomicInteger();
    private final Timer idleSlotWait;

    SlotStats(MeterRegistry registry) {
        // The time a job spent queued while a slot of this worker was free: the queue's own inefficiency, which
        // should stay near zero whenever there is a backlog (the 100 ms bucket makes "never above" checkable).
        idleSlotWait = Timer.builder("easel_worker_idle_slot_wait_seconds")
                .description("Per first delivery: how long the job was queued while the slot that took it was already free")
                .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(1))
                .register(registry);
        Gauge.builder("easel_worker_slot_utilization", this, s -> s.slots.get() == 0 ? 0 : (double) s.busy.get() / s.slots.get())
                .description("Busy slots / slots").register(registry);
        Gauge.builder("easel_worker_slots_busy", busy, AtomicInteger::get).register(registry);
    }

    void slotStarted() {
        slots.incrementAndGet();
    }

    void slotStopped() {
        slots.decrementAndGet();
    }

    void busy(int delta) {
        busy.addAndGet(delta);
    }

    void idleSlotWait(Duration waited) {
        idleSlotWait.record(waited);
    }

    public int slots() {
        return slots.get();
    }

    public int busy() {
        return busy.get();
    }
}
