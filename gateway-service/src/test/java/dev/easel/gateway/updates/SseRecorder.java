package dev.easel.gateway.updates;

import dev.easel.testsupport.TestKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Reads a server-sent event stream in the background and records every event until the server ends it. */
public final class SseRecorder {

    /** One received event. */
    public record Event(String id, String name, String data) {
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> ended = new CompletableFuture<>();

    private SseRecorder() {
    }

    public static SseRecorder open(URI uri, String lastEventId) {
        SseRecorder recorder = new SseRecorder();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream")
                .header("Authorization", TestKeys.operatorBearer());
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpClient.newHttpClient().sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> recorder.read(response.statusCode(), response.body()))
                .exceptionally(e -> {
                    recorder.ended.completeExceptionally(e);
                    return null;
                });
        return recorder;
    }

    private void read(int status, Stream<String> lines) {
        String id = null;
        String name = "message";
        StringBuilder data = new StringBuilder();
        try (lines) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(id, name, data.toString()));
                    }
                    id = null;
                    name = "message";
                    data.setLength(0);
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                }
            }
        }
        ended.complete(status);
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public List<String> names() {
        return events.stream().map(Event::name).toList();
    }

    /** Waits for the server to end the stream and returns the HTTP status. */
    public int awaitEnd(Duration timeout) {
        try {
            return ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the event stream did not end within " + timeout + "; got " + names(), e);
        }
    }

    public boolean hasEnded() {
        return ended.isDone();
    }

    public void awaitEvents(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (events.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " events, got " + names());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
