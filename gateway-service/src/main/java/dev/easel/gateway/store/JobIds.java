package dev.easel.gateway.store;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * New job ids: UUID version 7 (RFC 9562), time-ordered so inserts land at the right edge of the primary-key
 * index instead of scattering over it.
 */
public final class JobIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private JobIds() {
    }

    public static UUID next() {
        long millis = System.currentTimeMillis();
        long randA = RANDOM.nextInt(1 << 12);
        long msb = (millis << 16) | (0x7L << 12) | randA;
        long lsb = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }

    /**
     * @return the id, or empty when the text is not a UUID (a client typo is a 404, not a 400)
     */
    public static java.util.Optional<UUID> parse(String text) {
        try {
            return text != null && text.length() == 36 ? java.util.Optional.of(UUID.fromString(text)) : java.util.Optional.empty();
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }
}
