package dev.easel.platform.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.MDC;

/**
 * Storage calls sent side by side, each on a thread of its own, so a batch of them waits for about one round trip
 * instead of one per call. {@link #all} returns when every call has returned; the first failure found is rethrown
 * as the call threw it.
 *
 * <p>Platform threads, not virtual ones: the worker's batch encodes PNG and JPEG and runs the text encoder, native
 * code that pins a virtual thread's carrier. With two carriers on two cores, the third call of a job's batch waited
 * ~30 ms for one to come free.
 *
 * <p>Each call runs with the caller's logging context ({@link MDC}), so that what it logs names the caller's job.
 * A pooled thread would otherwise keep the context it inherited when it was created, another job's.
 */
public final class SideBySide implements AutoCloseable {

    private final ExecutorService threads = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("side-by-side-", 0).factory());

    /** The calls' results in their order. */
    public <T> List<T> all(List<Callable<T>> calls) throws InterruptedException {
        Map<String, Object> context = Map.copyOf(MDC.getMap());
        List<Future<T>> running = new ArrayList<>(calls.size());
        for (Callable<T> call : calls) {
            running.add(threads.submit(() -> inContext(context, call)));
        }
        List<T> results = new ArrayList<>(running.size());
        for (Future<T> call : running) {
            try {
                results.add(call.get());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException("storage call failed", e.getCause());
            }
        }
        return results;
    }

    private static <T> T inContext(Map<String, Object> context, Callable<T> call) throws Exception {
        MDC.clear();
        context.forEach(MDC::put);
        try {
            return call.call();
        } finally {
            MDC.clear();
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
