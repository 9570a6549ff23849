package dev.easel.gateway.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/** The position after which the next page of {@code GET /v1/jobs} starts; opaque to clients. */
public record JobCursor(Instant createdAt, UUID id) {

    public String encode() {
        String plain = createdAt.getEpochSecond() + ":" + createdAt.getNano() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor this text encodes; empty when it is not a cursor this API issued. */
    public static Optional<JobCursor> decode(String text) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split(":", 3);
            return Optional.of(new JobCursor(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
                    UUID.fromString(parts[2])));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
