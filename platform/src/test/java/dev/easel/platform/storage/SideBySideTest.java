package dev.easel.platform.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.Callable;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SideBySideTest {

    private final SideBySide sideBySide = new SideBySide();

    @AfterEach
    void close() {
        sideBySide.close();
        MDC.clear();
    }

    @Test
    void returnsTheResultsInTheOrderOfTheCalls() throws InterruptedException {
        List<Callable<Integer>> calls = List.of(() -> {
            Thread.sleep(50);
            return 1;
        }, () -> 2, () -> 3);

        assertThat(sideBySide.all(calls)).containsExactly(1, 2, 3);
    }

    @Test
    void rethrowsTheFailureOfACall() {
        List<Callable<Integer>> calls = List.of(() -> 1, () -> {
            throw new IllegalArgumentException("no such bucket");
        });

        assertThatThrownBy(() -> sideBySide.all(calls)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no such bucket");
    }

    @Test
    void everyCallLogsWithItsCallersContextEvenOnThreadsCreatedForAnEarlierCaller() throws InterruptedException {
        // Two calls per batch, so the second batch runs on the threads the first one created.
        Callable<Object> job = () -> MDC.get("job");
        Callable<Object> trace = () -> MDC.get("trace");

        MDC.put("job", "job=first");
        MDC.put("trace", "trace=a");
        assertThat(sideBySide.all(List.of(job, trace))).containsExactly("job=first", "trace=a");

        MDC.clear();
        MDC.put("job", "job=second");
        assertThat(sideBySide.all(List.of(job, trace))).containsExactly("job=second", null);

        MDC.clear();
        assertThat(sideBySide.all(List.of(job, trace))).containsExactly(null, null);
    }
}
