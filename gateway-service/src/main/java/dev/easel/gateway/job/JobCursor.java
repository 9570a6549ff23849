package dev.easel.gateway.job;

import dev.easel.common.validation.Violation;
import dev.easel.gateway.api.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/** The position after which the next page of {@code GET /v1/jobs} starts; opaque to clients. */
public record JobCursor(Instant createdAt, UUID id) {

    public String encode() {
        String plain = createdAt.getEpochSecond() + ":" + createdAt.getNano() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @throws ApiException 400 when the text is not a cursor this API issued
     */
    public static JobCursor decode(String text) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split(":", 3);
            return new JobCursor(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
                    UUID.fromString(parts[2]));
        } catch (RuntimeException e) {
            throw new ApiException(400, "invalid_request", "Invalid request", "cursor is not valid",
                    List.of(new Violation("cursor", Violation.INVALID_TYPE, "is not a cursor returned by this API")));
        }
    }
}
