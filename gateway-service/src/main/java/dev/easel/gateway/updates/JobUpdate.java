package dev.easel.gateway.updates;

/**
 * One server-sent event of a job's stream: {@code id} orders events of a job ({@code attempt.seq}),
 * {@code name} is the SSE event type, {@code data} its JSON payload.
 */
public record JobUpdate(String jobId, String id, String name, String data, boolean terminal) {

    /** Whether this event comes after the one with {@code lastEventId} (an id this API issued). */
    public boolean isAfter(String lastEventId) {
        return compareIds(id, lastEventId) > 0;
    }

    /** Orders {@code attempt.seq[.part]} ids; an unparsable id sorts first. */
    public static int compareIds(String a, String b) {
        long[] x = parse(a);
        long[] y = parse(b);
        for (int i = 0; i < 3; i++) {
            int c = Long.compare(x[i], y[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static long[] parse(String id) {
        long[] parts = {-1, -1, -1};
        if (id == null) {
            return parts;
        }
        String[] split = id.split("\\.", 3);
        try {
            for (int i = 0; i < split.length; i++) {
                parts[i] = Long.parseLong(split[i]);
            }
            if (split.length < 3) {
                parts[2] = 0;
            }
            return parts;
        } catch (NumberFormatException e) {
            return new long[] {-1, -1, -1};
        }
    }
}
