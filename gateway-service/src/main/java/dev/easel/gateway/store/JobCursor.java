package dev.easel.gateway.store;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** The position after which the next page of {@code GET /v1/jobs} starts (sealed before a client sees it). */
public record JobCursor(Instant createdAt, UUID id) {

    /** The position as text, for {@link #parse}. */
    public String position() {
        return createdAt.getEpochSecond() + ":" + createdAt.getNano() + ":" + id;
    }

    /** The cursor a {@link #position()} text names; empty when it names none. */
    public static Optional<JobCursor> parse(String position) {
        try {
            String[] parts = position.split(":", 3);
            return Optional.of(new JobCursor(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
                    UUID.fromString(parts[2])));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
