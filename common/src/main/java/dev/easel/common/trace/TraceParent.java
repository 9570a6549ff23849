package dev.easel.common.trace;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A W3C Trace Context {@code traceparent} value ({@code version-traceid-parentid-flags}, W3C Recommendation
 * "Trace Context", §3.2): what ties a job's gateway request, Kafka records and worker logs together when no
 * tracing SDK is exporting spans.
 */
public record TraceParent(String traceId, String parentId, String flags) {

    public static final String HEADER = "traceparent";
    // Version 00 layout; an all-zero trace or parent id is invalid (§3.2.2.3, §3.2.2.4).
    private static final Pattern FORMAT = Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Reads a header value; empty when it is absent or malformed (a receiver then starts a new trace). */
    public static Optional<TraceParent> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        var m = FORMAT.matcher(header.strip().toLowerCase(Locale.ROOT));
        if (!m.matches() || m.group(1).equals("ff") || isZero(m.group(2)) || isZero(m.group(3))) {
            return Optional.empty();
        }
        return Optional.of(new TraceParent(m.group(2), m.group(3), m.group(4)));
    }

    /** A new sampled trace with random ids. */
    public static TraceParent random() {
        byte[] trace = new byte[16];
        byte[] parent = new byte[8];
        do {
            RANDOM.nextBytes(trace);
            RANDOM.nextBytes(parent);
        } while (isZero(HexFormat.of().formatHex(trace)) || isZero(HexFormat.of().formatHex(parent)));
        return new TraceParent(HexFormat.of().formatHex(trace), HexFormat.of().formatHex(parent), "01");
    }

    public String header() {
        return "00-" + traceId + "-" + parentId + "-" + flags;
    }

    private static boolean isZero(String hex) {
        return hex.chars().allMatch(c -> c == '0');
    }
}
