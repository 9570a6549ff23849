package dev.easel.gateway.rest;

import dev.easel.gateway.updates.JobUpdate;
import io.quarkus.logging.Log;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.ArrayList;
import java.util.List;

/**
 * One client's SSE stream of one job: sends each update at most once and in id order, buffers live updates
 * while the history is replayed, and closes after the terminal event or when the client has gone.
 */
final class EventStream {

    private final String jobId;
    private final String tenant;
    private final SseEventSink sink;
    private final Sse sse;
    private final List<JobUpdate> buffered = new ArrayList<>();
    private String lastSentId;
    private boolean live;
    private boolean closed;
    private AutoCloseable subscription;

    EventStream(String jobId, String tenant, SseEventSink sink, Sse sse, String lastEventId) {
        this.jobId = jobId;
        this.tenant = tenant;
        this.sink = sink;
        this.sse = sse;
        this.lastSentId = lastEventId;
    }

    String jobId() {
        return jobId;
    }

    String tenant() {
        return tenant;
    }

    synchronized void subscribedWith(AutoCloseable handle) {
        this.subscription = handle;
        if (closed) {
            release();
        }
    }

    /** A live update from the fan-out; held back until the replay is done. */
    synchronized void offer(JobUpdate update) {
        if (live) {
            send(update);
        } else {
            buffered.add(update);
        }
    }

    /** Sends an update unless it is not newer than the last one sent. */
    synchronized void send(JobUpdate update) {
        if (closed || (lastSentId != null && !update.isAfter(lastSentId))) {
            return;
        }
        if (sink.isClosed()) {
            close();
            return;
        }
        OutboundSseEvent event = sse.newEventBuilder().id(update.id()).name(update.name()).data(update.data())
                .build();
        try {
            sink.send(event).whenComplete((ok, failure) -> {
                if (failure != null) {
                    Log.debugf("job %s: SSE client gone: %s", update.jobId(), failure.getMessage());
                    close();
                }
            });
        } catch (IllegalStateException e) {
            // The client left between the check above and the send.
            Log.debugf("job %s: SSE client gone: %s", update.jobId(), e.getMessage());
            close();
            return;
        }
        lastSentId = update.id();
        if (update.terminal()) {
            close();
        }
    }

    /** Ends the replay: buffered live updates go out, later ones directly. */
    synchronized void goLive() {
        live = true;
        buffered.sort((a, b) -> JobUpdate.compareIds(a.id(), b.id()));
        for (JobUpdate update : buffered) {
            send(update);
        }
        buffered.clear();
    }

    synchronized void keepAlive() {
        if (closed) {
            return;
        }
        if (sink.isClosed()) {
            close();
            return;
        }
        try {
            sink.send(sse.newEventBuilder().comment("keep-alive").build()).whenComplete((ok, failure) -> {
                if (failure != null) {
                    close();
                }
            });
        } catch (IllegalStateException e) {
            // The client left between the check above and the send; thrown out of the keep-alive task, this
            // would end the keep-alives of every stream.
            Log.debugf("job %s: SSE client gone: %s", jobId, e.getMessage());
            close();
        }
    }

    synchronized boolean isClosed() {
        return closed;
    }

    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        release();
        if (!sink.isClosed()) {
            sink.close();
        }
    }

    private void release() {
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                Log.debugf("closing an SSE subscription: %s", e.getMessage());
            }
        }
    }
}
