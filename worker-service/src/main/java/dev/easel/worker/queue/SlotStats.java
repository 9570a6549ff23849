package dev.easel.worker.queue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;

/** How many slots this worker has and how many are busy: heartbeats and the utilisation gauge read it. */
@ApplicationScoped
public class SlotStats {

    private final AtomicInteger slots = new AtomicInteger();
    private final AtomicInteger busy = new AtomicInteger();

    SlotStats(MeterRegistry registry) {
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

    public int slots() {
        return slots.get();
    }

    public int busy() {
        return busy.get();
    }
}
