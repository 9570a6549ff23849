package dev.easel.gateway.identity;

/**
 * A token bucket: {@code burst} requests at once, refilled at {@code perSecond}. Advertised to clients as an IETF
 * {@code RateLimit-Policy} of quota {@code burst} over a window of {@code burst / perSecond} seconds.
 *
 * @param name what the limit belongs to, {@code tenant} or {@code key}: the policy's name in the headers
 */
public record RateLimit(String name, double perSecond, int burst) {

    /** The most a limit may be set to: a bucket larger than this is no limit at all. */
    public static final double MAX_PER_SECOND = 1_000_000;
    public static final int MAX_BURST = 1_000_000;

    public RateLimit {
        if (!(perSecond > 0 && perSecond <= MAX_PER_SECOND) || burst < 1 || burst > MAX_BURST) {
            throw new IllegalArgumentException("a rate limit needs 0 < per_second <= " + MAX_PER_SECOND
                    + " and 1 <= burst <= " + MAX_BURST + ": " + perSecond + ", " + burst);
        }
    }

    /** The limit stored in two nullable columns, or null where they hold none. */
    static RateLimit of(String name, Double perSecond, Integer burst) {
        return perSecond == null || burst == null ? null : new RateLimit(name, perSecond, burst);
    }

    /** The window of the advertised policy, in whole seconds (at least 1). */
    public long windowSeconds() {
        return Math.max(1, (long) Math.ceil(burst / perSecond));
    }
}
