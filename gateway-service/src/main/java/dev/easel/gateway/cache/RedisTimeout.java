package dev.easel.gateway.cache;

import dev.easel.platform.concurrent.TimeoutWatch;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The limit {@code quarkus.redis.timeout} sets on blocking Redis commands, applied to non-blocking ones, which
 * have none of their own: a Redis that accepts commands and never answers would otherwise hold a request for as
 * long as it stays silent. One {@link TimeoutWatch} for all of them, not a timer task per command.
 */
@ApplicationScoped
public class RedisTimeout {

    private final Duration timeout;
    private final TimeoutWatch watch;

    RedisTimeout(@ConfigProperty(name = "quarkus.redis.timeout") Duration timeout) {
        this.timeout = timeout;
        this.watch = new TimeoutWatch("redis-timeouts", timeout, Infrastructure.getDefaultWorkerPool());
    }

    @PreDestroy
    void close() {
        watch.close();
    }

    /**
     * The command, failing with a {@link TimeoutException} (on a worker thread) when Redis has not answered it within
     * the timeout. The answer, when it comes in time, is passed on on the thread it arrived on.
     */
    public <T> Uni<T> bound(Uni<T> command) {
        return Uni.createFrom().deferred(() -> {
            CompletableFuture<T> answer = watch.watch(new CompletableFuture<>(),
                    () -> new TimeoutException("no answer from Redis within " + timeout.toMillis() + " ms"));
            command.subscribe().with(answer::complete, answer::completeExceptionally);
            return Uni.createFrom().completionStage(answer);
        });
    }
}
