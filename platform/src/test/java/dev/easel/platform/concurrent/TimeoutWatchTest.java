package dev.easel.platform.concurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TimeoutWatchTest {

    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final List<Runnable> expiries = new ArrayList<>();
    private final TimeoutWatch watch = new TimeoutWatch(Duration.ofSeconds(2), expiries::add, now::get);

    private void advance(Duration by) {
        now.addAndGet(by.toNanos());
    }

    private void runExpiries() {
        expiries.forEach(Runnable::run);
        expiries.clear();
    }

    @Test
    void anOperationStillRunningAtItsDeadlineFailsWithItsOwnFailureOnTheExpiryExecutor() {
        CompletableFuture<String> slow = watch.watch(new CompletableFuture<>(), () -> new TimeoutException("slow"));

        advance(Duration.ofMillis(1999));
        watch.sweep();
        assertThat(expiries).isEmpty();

        advance(Duration.ofMillis(1));
        watch.sweep();
        assertThat(slow).isNotDone(); // not failed on the sweeping thread
        assertThat(expiries).hasSize(1);
        runExpiries();
        assertThatThrownBy(slow::get).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(TimeoutException.class).hasMessage("slow");
        assertThat(watch.size()).isZero();
    }

    @Test
    void anOperationThatFinishedInTimeIsDroppedAndKeepsItsResult() {
        CompletableFuture<String> quick = watch.watch(new CompletableFuture<>(), () -> new TimeoutException("quick"));
        quick.complete("done");

        watch.sweep();
        assertThat(watch.size()).isZero();
        advance(Duration.ofSeconds(10));
        watch.sweep();

        assertThat(expiries).isEmpty();
        assertThat(quick).isCompletedWithValue("done");
    }

    @Test
    void aSweepStopsAtTheOldestOperationStillRunningAndExpiresOnlyThoseDue() {
        CompletableFuture<String> first = watch.watch(new CompletableFuture<>(), () -> new TimeoutException("first"));
        advance(Duration.ofSeconds(1));
        CompletableFuture<String> second = watch.watch(new CompletableFuture<>(), () -> new TimeoutException("second"));
        second.complete("done");
        CompletableFuture<String> third = watch.watch(new CompletableFuture<>(), () -> new TimeoutException("third"));

        watch.sweep(); // the first still runs and is not due: the finished second stays queued behind it
        assertThat(watch.size()).isEqualTo(3);

        advance(Duration.ofSeconds(1)); // the first is due, the third is not
        watch.sweep();
        runExpiries();

        assertThat(first).isCompletedExceptionally();
        assertThat(second).isCompletedWithValue("done");
        assertThat(third).isNotDone();
        assertThat(watch.size()).isEqualTo(1);

        third.complete("late but in time");
        watch.sweep();
        assertThat(watch.size()).isZero();
        assertThat(third).isCompletedWithValue("late but in time");
    }

    @Test
    void anOperationThatFinishesAfterItExpiredKeepsItsFailure() {
        CompletableFuture<String> slow = watch.watch(new CompletableFuture<>(), () -> new TimeoutException("slow"));
        advance(Duration.ofSeconds(3));
        watch.sweep();
        runExpiries();

        assertThat(slow.complete("too late")).isFalse();
        assertThat(slow).isCompletedExceptionally();
    }

    @Test
    void anExecutorThatRefusesTheExpiryDoesNotKeepTheOperationWaiting() {
        TimeoutWatch refusing = new TimeoutWatch(Duration.ofSeconds(1), task -> {
            throw new RejectedExecutionException("shut down");
        }, now::get);
        CompletableFuture<String> slow = refusing.watch(new CompletableFuture<>(), () -> new TimeoutException("slow"));
        advance(Duration.ofSeconds(1));

        refusing.sweep();

        assertThat(slow).isCompletedExceptionally();
    }

    @Test
    void aStartedWatchFailsWhatOutlivesItsTimeoutByItself() throws Exception {
        try (TimeoutWatch running = new TimeoutWatch("timeout-watch-test", Duration.ofMillis(50), Runnable::run)) {
            CompletableFuture<String> slow = running.watch(new CompletableFuture<>(), () -> new TimeoutException("slow"));
            CompletableFuture<String> quick = running.watch(new CompletableFuture<>(), () -> new TimeoutException("quick"));
            quick.complete("done");

            assertThatThrownBy(() -> slow.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(TimeoutException.class)
                    .hasMessage("slow");
            assertThat(quick).isCompletedWithValue("done");
        }
    }

    @Test
    void aTimeoutMustBePositive() {
        assertThatThrownBy(() -> new TimeoutWatch(Duration.ZERO, Runnable::run, now::get))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
