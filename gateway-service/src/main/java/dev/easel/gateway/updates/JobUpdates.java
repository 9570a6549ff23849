package dev.easel.gateway.updates;

import dev.easel.common.event.JobEvent;
import dev.easel.common.json.JsonCodec;
import dev.easel.gateway.store.JobEntity;
import dev.easel.gateway.view.JobView;
import dev.easel.gateway.view.JobViews;
import dev.easel.gateway.view.ProgressSnapshot;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.list.ListCommands;
import io.quarkus.redis.datasource.pubsub.PubSubCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Fans job updates out to the SSE streams and waiters of every gateway replica: each update is appended to
 * the job's short history in Redis (for {@code Last-Event-ID} resume) and published on one Redis channel that
 * every replica subscribes to. With Redis away, updates still reach this replica's own listeners.
 */
@ApplicationScoped
public class JobUpdates {

    static final String CHANNEL = "easel:job-updates";
    private static final Duration HISTORY_TTL = Duration.ofHours(6);
    private static final int HISTORY_LIMIT = 1000;
    // One round trip for the history's append, trim and expiry and the announcement, instead of four.
    private static final String APPEND_AND_PUBLISH = """
            redis.call('RPUSH', KEYS[1], ARGV[1])
            redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
            redis.call('EXPIRE', KEYS[1], ARGV[3])
            return redis.call('PUBLISH', ARGV[4], ARGV[1])""";

    private final JobViews views;
    private final PubSubCommands<String> pubsub;
    private final ListCommands<String, String> lists;
    private final RedisDataSource redis;
    private final Map<String, Set<Consumer<JobUpdate>>> listeners = new ConcurrentHashMap<>();
    private final ScheduledExecutorService resubscriber = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("job-updates-resubscribe").daemon().unstarted(r));
    private volatile PubSubCommands.RedisSubscriber subscriber;
    private volatile boolean running;
    private final List<Runnable> catchUps = new CopyOnWriteArrayList<>();
    // Whether a subscription was ever made: the ones after it follow a lost one. Written by the starting thread,
    // then only by the resubscriber, whose tasks it schedules.
    private boolean subscribedBefore;

    JobUpdates(JobViews views, RedisDataSource redis) {
        this.views = views;
        this.pubsub = redis.pubsub(String.class);
        this.lists = redis.list(String.class);
        this.redis = redis;
    }

    void start(@Observes StartupEvent event) {
        running = true;
        subscribe();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        resubscriber.shutdownNow();
        PubSubCommands.RedisSubscriber s = subscriber;
        if (s != null) {
            try {
                s.unsubscribe();
            } catch (RuntimeException e) {
                Log.debugf("unsubscribe at shutdown: %s", e.getMessage());
            }
        }
    }

    private void subscribe() {
        if (!running) {
            return;
        }
        try {
            subscriber = pubsub.subscribe(List.of(CHANNEL), this::receive, this::resubscribeLater,
                    e -> resubscribeLater());
        } catch (RuntimeException e) {
            Log.warnf("job updates: cannot subscribe to Redis (%s); retrying", e.getMessage());
            resubscribeLater();
            return;
        }
        if (subscribedBefore) {
            // Updates published while this replica was not subscribed never reached it.
            for (Runnable catchUp : catchUps) {
                try {
                    catchUp.run();
                } catch (RuntimeException e) {
                    Log.warnf(e, "job updates: catching up after the channel came back failed");
                }
            }
        }
        subscribedBefore = true;
    }

    /**
     * Runs {@code catchUp} each time this replica subscribes again after losing the channel, once the new
     * subscription is in place: what was published meanwhile did not reach it.
     */
    public void onResubscribed(Runnable catchUp) {
        catchUps.add(catchUp);
    }

    private void resubscribeLater() {
        if (running) {
            resubscriber.schedule(this::subscribe, 1, TimeUnit.SECONDS);
        }
    }

    private void receive(String message) {
        JobUpdate update = JsonCodec.decode(message.getBytes(StandardCharsets.UTF_8), JobUpdate.class);
        deliverLocally(update);
    }

    private void deliverLocally(JobUpdate update) {
        Set<Consumer<JobUpdate>> set = listeners.get(update.jobId());
        if (set == null) {
            return;
        }
        for (Consumer<JobUpdate> listener : set) {
            try {
                listener.accept(update);
            } catch (RuntimeException e) {
                // One listener's failure (a client that just left) must not keep the update from the others.
                Log.warnf(e, "job %s: an update listener failed", update.jobId());
            }
        }
    }

    /** Listens to one job's updates on this replica until the returned handle is closed. */
    public AutoCloseable listen(String jobId, Consumer<JobUpdate> listener) {
        // Added inside the map's own update: a set that its last listener is emptying and removing at the same
        // moment cannot take the new one with it.
        listeners.compute(jobId, (id, set) -> {
            Set<Consumer<JobUpdate>> live = set == null ? new CopyOnWriteArraySet<>() : set;
            live.add(listener);
            return live;
        });
        return () -> listeners.computeIfPresent(jobId, (id, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    /** The job's recent updates, oldest first; empty when Redis is unavailable. */
    public List<JobUpdate> history(String jobId) {
        try {
            List<JobUpdate> updates = new ArrayList<>();
            for (String json : lists.lrange(historyKey(jobId), 0, -1)) {
                updates.add(JsonCodec.decode(json.getBytes(StandardCharsets.UTF_8), JobUpdate.class));
            }
            return updates;
        } catch (RuntimeException e) {
            Log.warnf("job %s: update history unavailable: %s", jobId, e.getMessage());
            return List.of();
        }
    }

    /** Announces that an event changed the job's status (the job row already reflects it). */
    public void publish(JobEntity job, JobEvent event) {
        String id = idOf(event, 0);
        JobView view = views.of(job);
        String name = switch (event) {
            case JobEvent.Started s -> "status";
            case JobEvent.Progress p -> "status";
            case JobEvent.Succeeded s -> "succeeded";
            case JobEvent.Failed f -> "failed";
            case JobEvent.Canceled c -> "canceled";
            case JobEvent.Expired x -> "expired";
        };
        send(new JobUpdate(job.id.toString(), id, name, json(view), job.jobStatus().isTerminal()));
    }

    /** Announces new progress of a running job, and its preview when the event carries one. */
    public void publishProgress(JobEvent.Progress event, ProgressSnapshot snapshot) {
        JobView.Progress progress = views.progress(snapshot);
        send(new JobUpdate(event.jobId(), idOf(event, 1), "progress",
                json(new JobView.Progress(progress.stage(), progress.step(), progress.steps(), progress.percent(), null)),
                false));
        if (progress.previewUrl() != null) {
            send(new JobUpdate(event.jobId(), idOf(event, 2), "preview",
                    json(Map.of("url", progress.previewUrl(), "step", progress.step())), false));
        }
    }

    /**
     * The job as it stands, rebuilt from its row: a {@code status} event, or for a finished job its terminal
     * event (what a late subscriber gets).
     */
    public JobUpdate currentOf(JobEntity job) {
        boolean terminal = job.jobStatus().isTerminal();
        return new JobUpdate(job.id.toString(), job.appliedAttempt + "." + job.appliedSeq + ".0",
                terminal ? job.status : "status", json(views.of(job)), terminal);
    }

    private void send(JobUpdate update) {
        String message = json(update);
        try {
            redis.execute("EVAL", APPEND_AND_PUBLISH, "1", historyKey(update.jobId()), message,
                    Integer.toString(HISTORY_LIMIT), Long.toString(HISTORY_TTL.toSeconds()), CHANNEL);
        } catch (RuntimeException e) {
            Log.warnf("job %s: update not fanned out through Redis (%s); local listeners only",
                    update.jobId(), e.getMessage());
            deliverLocally(update);
        }
    }

    private static String historyKey(String jobId) {
        return "easel:events:" + jobId;
    }

    private static String idOf(JobEvent event, int part) {
        return event.attempt() + "." + event.seq() + "." + part;
    }

    private static String json(Object value) {
        return new String(JsonCodec.encode(value), StandardCharsets.UTF_8);
    }
}
