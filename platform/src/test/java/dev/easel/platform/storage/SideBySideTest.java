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
    void everyCallLogsWithItsCallersContextEvenOnAThreadCreatedForAnEarlierCaller() throws InterruptedException {
        Callable<List<Object>> context = () -> List.of(Thread.currentThread(), String.valueOf(MDC.get("job")),
                String.valueOf(MDC.get("trace")));

        MDC.put("job", "job=first");
        MDC.put("trace", "trace=a");
        List<Object> first = sideBySide.all(List.of(context)).getFirst();
        assertThat(first.subList(1, 3)).containsExactly("job=first", "trace=a");

        // The pool's thread is idle again long before this: the next calls run on it, not on a new thread that
        // would inherit the caller's context anyway.
        Thread.sleep(200);
        MDC.clear();
        MDC.put("job", "job=second");
        List<Object> second = sideBySide.all(List.of(context)).getFirst();
        assertThat(second.getFirst()).as("the thread of the first call").isSameAs(first.getFirst());
        assertThat(second.subList(1, 3)).containsExactly("job=second", "null");

        Thread.sleep(200);
        MDC.clear();
        List<Object> third = sideBySide.all(List.of(context)).getFirst();
        assertThat(third.getFirst()).isSameAs(first.getFirst());
        assertThat(third.subList(1, 3)).containsExactly("null", "null");
    }
}
