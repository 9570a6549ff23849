package dev.easel.gateway.rest;

import dev.easel.gateway.lifecycle.JobEventConsumer;
import dev.easel.gateway.store.JobEntity;
import dev.easel.gateway.store.JobFinder;
import dev.easel.gateway.store.JobNotFoundException;
import dev.easel.gateway.identity.AccessPolicy;
import dev.easel.gateway.identity.Action;
import dev.easel.gateway.identity.Caller;
import dev.easel.gateway.updates.JobUpdate;
import dev.easel.gateway.updates.JobUpdates;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /v1/jobs/{id}/events}: the job's life as server-sent events. */
@SecurityRequirement(name = ApiSecurity.SCHEME)
@Path("/v1/jobs/{id}/events")
@Tag(name = "jobs")
@Singleton
public class JobEventsResource {

    private final JobFinder jobs;
    private final Callers callers;
    private final JobUpdates updates;
    private final JobEventConsumer.EventsConfig config;
    private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService keepAlive = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("sse-keep-alive").daemon().unstarted(r));

    JobEventsResource(JobFinder jobs, JobUpdates updates, JobEventConsumer.EventsConfig config, Callers callers) {
        this.callers = callers;
        this.jobs = jobs;
        this.updates = updates;
        this.config = config;
        keepAlive.scheduleWithFixedDelay(this::ping, 15, 15, TimeUnit.SECONDS);
        long check = config.streamCheckInterval().toMillis();
        keepAlive.scheduleWithFixedDelay(() -> catchUp("periodic check"), check, check, TimeUnit.MILLISECONDS);
        updates.onResubscribed(() -> catchUp("update channel back"));
    }

    void stop(@Observes ShutdownEvent event) {
        keepAlive.shutdownNow();
        streams.forEach(EventStream::close);
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    @Operation(operationId = "streamJobEvents", summary = "Stream a job's events",
            description = "Server-sent events `status`, `progress`, `preview`, then one of `succeeded`, `failed`, "
                    + "`canceled`, `expired`, after which the stream ends. Each event has an id; reconnect with "
                    + "`Last-Event-ID` to resume. A finished job's stream delivers its terminal event at once.")
    @APIResponse(responseCode = "200", description = "The event stream", content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS))
    @APIResponse(responseCode = "404", description = "No such job", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class)))
    public void stream(@PathParam("id") String id,
                       @Parameter(description = "Resume after this event id") @HeaderParam("Last-Event-ID") String lastEventId,
                       @Context SseEventSink sink, @Context Sse sse) {
        Caller caller = callers.current();
        JobEntity job = jobs.get(id);
        Guard.require(AccessPolicy.decide(caller, Action.READ_JOBS, job.tenantId), caller, "read jobs",
                () -> new JobNotFoundException(id));
        String jobId = job.id.toString();
        EventStream stream = new EventStream(jobId, job.tenantId, sink, sse, emptyToNull(lastEventId));
        admit(stream);
        JobUpdate current;
        try {
            stream.subscribedWith(updates.listen(jobId, stream::offer));
            // Read the row again after subscribing: nothing that happens from here on can be missed.
            current = updates.currentOf(jobs.get(jobId));
            if (lastEventId == null || lastEventId.isBlank()) {
                stream.send(current);
            }
            for (JobUpdate update : updates.history(jobId)) {
                stream.send(update);
            }
        } catch (RuntimeException e) {
            // Refused (the database away): the stream gives its place back at once.
            stream.close();
            streams.remove(stream);
            throw e;
        }
        // After a resume whose history Redis no longer has; otherwise not newer than what was sent, so dropped.
        stream.send(current);
        stream.goLive();
        if (current.terminal()) {
            // The job has ended: everything up to its end has gone out now or went out before a resume at or past
            // it, and nothing newer will come. Left open, a stream resumed at the end would only carry keep-alives.
            stream.close();
        }
        if (stream.isClosed()) {
            streams.remove(stream);
        }
    }

    /**
     * Every open stream gets its job as it stands now; a stream already past that drops it. After this replica
     * lost the update channel for a while, and every {@code easel.events.stream-check-interval}: an update can also
     * be lost where it starts (a gateway that died between applying an event and fanning it out; the event read
     * again is a duplicate and fans out nothing), and a stream whose job ended must end too instead of waiting for
     * an update that went by. The rows are read a few hundred to a query ({@link JobFinder#find}); the round stops
     * at the first failure (the database away: a queued job's view counts its queue position there) and the next
     * one tries again.
     */
    private void catchUp(String why) {
        streams.removeIf(EventStream::isClosed);
        Map<UUID, JobEntity> rows;
        try {
            rows = jobs.find(streams.stream().map(stream -> UUID.fromString(stream.jobId())).collect(Collectors.toSet()));
        } catch (RuntimeException e) {
            Log.warnf("SSE streams not caught up (%s): %s", why, e.getMessage());
            return;
        }
        Map<UUID, JobUpdate> current = new HashMap<>();
        for (EventStream stream : streams) {
            JobEntity row = rows.get(UUID.fromString(stream.jobId()));
            if (row == null) {
                continue;
            }
            try {
                stream.offer(current.computeIfAbsent(row.id, id -> updates.currentOf(row)));
            } catch (RuntimeException e) {
                // A queued job's view counts its position in the database: with it away, so would every other.
                Log.warnf("SSE streams not caught up (%s): job %s: %s", why, row.id, e.getMessage());
                return;
            }
        }
    }

    /**
     * Adds the stream to the open ones, or refuses it: 503 {@code too_many_streams} at this gateway's limit, 429 at
     * its tenant's.
     */
    private void admit(EventStream stream) {
        synchronized (streams) {
            streams.removeIf(EventStream::isClosed);
            if (streams.size() >= config.maxStreams()) {
                throw new ApiException(503, "too_many_streams", "Service Unavailable", "this gateway holds "
                        + config.maxStreams() + " event streams, its limit; retry later or poll GET /v1/jobs/{id}");
            }
            long ofTenant = streams.stream().filter(open -> open.tenant().equals(stream.tenant())).count();
            if (ofTenant >= config.maxStreamsPerTenant()) {
                throw new ApiException(429, "too_many_streams", "Too Many Requests", "the tenant holds "
                        + config.maxStreamsPerTenant() + " event streams on this gateway, its limit; close one or poll "
                        + "GET /v1/jobs/{id}");
            }
            streams.add(stream);
        }
    }

    private void ping() {
        streams.removeIf(EventStream::isClosed);
        streams.forEach(EventStream::keepAlive);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
