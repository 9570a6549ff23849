package dev.easel.platform.concurrent;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Fails the operations that outlive one fixed timeout. A scheduled task per operation ({@code orTimeout}, Mutiny's
 * {@code ifNoItem}) costs a timer-queue insertion, a wake-up of the timer thread and a cancellation for each of
 * them, several percent of the gateway's CPU at a few thousand submits a second. Here an operation is appended to a
 * queue, and one thread looks at the oldest ones every tick: with the same timeout for all, they expire in the order
 * they were watched, so a sweep stops at the first that is neither finished nor due. An operation fails at most one
 * tick late.
 *
 * <p>An expired operation's future is failed on {@code onExpiry}, never on the sweeping thread: what its callers
 * chain to the failure must not hold up the next expiries.
 */
public final class TimeoutWatch implements AutoCloseable {

    /** The longest tick: timeouts are seconds long, a tenth of one is plenty of precision. */
    private static final Duration MAX_TICK = Duration.ofMillis(100);

    private final long timeoutNanos;
    private final long tickNanos;
    private final Executor onExpiry;
    private final LongSupplier clock;
    private final ConcurrentLinkedQueue<Watched> watched = new ConcurrentLinkedQueue<>();
    private final Thread sweeper;
    private volatile boolean open = true;

    /** A watch whose thread, named {@code name}, sweeps every tenth of {@code timeout} (at most 100 ms). */
    public TimeoutWatch(String name, Duration timeout, Executor onExpiry) {
        this(timeout, onExpiry, System::nanoTime);
        sweeper.setName(name);
        sweeper.start();
    }

    /** A watch that sweeps only when told to ({@link #sweep()}), reading the time from {@code clock}. */
    TimeoutWatch(Duration timeout, Executor onExpiry, LongSupplier clock) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a timeout must be positive: " + timeout);
        }
        this.timeoutNanos = timeout.toNanos();
        this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(timeoutNanos / 10, MAX_TICK.toNanos()));
        this.onExpiry = onExpiry;
        this.clock = clock;
        this.sweeper = Thread.ofPlatform().daemon().unstarted(this::run);
    }

    /**
     * Watches {@code future}: unless it completes within the timeout, it is completed with {@code failure}.
     *
     * @return {@code future}
     */
    public <T> CompletableFuture<T> watch(CompletableFuture<T> future, Supplier<? extends Throwable> failure) {
        watched.add(new Watched(clock.getAsLong() + timeoutNanos, future, failure));
        return future;
    }

    /** How many operations are being watched (finished ones included until a sweep reaches them). */
    int size() {
        return watched.size();
    }

    /** Drops the finished operations at the head of the queue and fails those due; stops at the first still running. */
    void sweep() {
        long now = clock.getAsLong();
        for (Watched oldest = watched.peek(); oldest != null; oldest = watched.peek()) {
            boolean finished = oldest.future().isDone();
            if (!finished && oldest.deadline() - now > 0) {
                return;
            }
            watched.poll();
            if (!finished) {
                Runnable expire = oldest::expire;
                try {
                    onExpiry.execute(expire);
                } catch (RejectedExecutionException e) {
                    expire.run(); // the executor is shutting down: late is better than never
                }
            }
        }
    }

    private void run() {
        while (open) {
            LockSupport.parkNanos(tickNanos);
            sweep();
        }
    }

    /** Stops sweeping; operations still watched are left as they are. */
    @Override
    public void close() {
        open = false;
        LockSupport.unpark(sweeper);
    }

    private record Watched(long deadline, CompletableFuture<?> future, Supplier<? extends Throwable> failure) {

        void expire() {
            future.completeExceptionally(failure.get());
        }
    }
}
