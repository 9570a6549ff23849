package dev.easel.platform.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The consecutive failures of one recurring task (a timer, a retry loop), so that its log says when an outage of
 * what it depends on began, that it is still going on, and when it ended, instead of one line per attempt: a
 * once-a-second task would otherwise write 3,600 warnings in an hour of database outage. It decides which lines
 * are worth writing; the caller writes them, with its own logger. Every failed attempt still counts in
 * {@code easel_task_failures_total{task}}, so alerts do not depend on the logs.
 */
public final class FailureStreak {

    /** How often a streak that goes on is mentioned again. */
    public static final Duration REMIND_EVERY = Duration.ofMinutes(1);

    private final String task;
    private final long remindEveryNanos;
    private final LongSupplier nanoClock;
    private final Counter attempts;
    private long failures;
    private long startedAt;
    private long remindedAt;

    /** @param task what the log lines name, e.g. "queue statistics"; its metric tag is "queue_statistics" */
    public FailureStreak(String task, MeterRegistry registry) {
        this(task, registry, REMIND_EVERY, System::nanoTime);
    }

    FailureStreak(String task, MeterRegistry registry, Duration remindEvery, LongSupplier nanoClock) {
        this.task = task;
        this.remindEveryNanos = remindEvery.toNanos();
        this.nanoClock = nanoClock;
        this.attempts = Counter.builder("easel_task_failures")
                .description("Failed attempts of a recurring task (its log shows only the start, a reminder a minute and the end of a streak)")
                .tag("task", task.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_"))
                .register(registry);
    }

    /**
     * Counts a failed attempt; returns the warning to log when this one deserves a line: the first of a streak,
     * then one per {@link #REMIND_EVERY} with the count so far.
     */
    public synchronized Optional<String> failed(String error) {
        long now = nanoClock.getAsLong();
        attempts.increment();
        failures++;
        if (failures == 1) {
            startedAt = now;
            remindedAt = now;
            return Optional.of(task + ": " + error);
        }
        if (now - remindedAt < remindEveryNanos) {
            return Optional.empty();
        }
        remindedAt = now;
        return Optional.of("%s: still failing, %d attempts in %d s: %s".formatted(task, failures, seconds(now - startedAt), error));
    }

    /** Counts a successful attempt; returns the line to log when it ends a streak. */
    public synchronized Optional<String> succeeded() {
        if (failures == 0) {
            return Optional.empty();
        }
        String line = "%s: working again after %d failed attempt%s over %d s".formatted(task, failures,
                failures == 1 ? "" : "s", seconds(nanoClock.getAsLong() - startedAt));
        failures = 0;
        return Optional.of(line);
    }

    private static long seconds(long nanos) {
        return Duration.ofNanos(nanos).toSeconds();
    }
}
