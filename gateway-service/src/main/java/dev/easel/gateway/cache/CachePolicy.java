package dev.easel.gateway.cache;

import dev.easel.common.job.CacheMode;
import java.util.Locale;

/**
 * What the cache may do for one request, from its {@code cache} field, whether it pinned the seed and its
 * {@code Cache-Control} header: {@code no-cache} skips lookups (like {@code cache: bypass}), {@code no-store}
 * keeps the result out of the cache.
 *
 * @param lookup answer from an exact cached result
 * @param coalesce attach to an identical job in flight
 * @param similar reuse a result for the same or a similar prompt with any seed
 * @param store keep this job's result for later requests
 * @param bypassed the client asked to skip lookups
 */
public record CachePolicy(boolean lookup, boolean coalesce, boolean similar, boolean store, boolean bypassed) {

    private static final CachePolicy OFF = new CachePolicy(false, false, false, false, false);

    public static CachePolicy of(boolean enabled, CacheMode mode, boolean seedPinned, String cacheControl) {
        if (!enabled) {
            return OFF;
        }
        boolean noCache = hasDirective(cacheControl, "no-cache");
        boolean store = !hasDirective(cacheControl, "no-store");
        if (noCache || mode == CacheMode.BYPASS) {
            return new CachePolicy(false, false, false, store, true);
        }
        // Without a pinned seed the server picks a fresh one: no earlier result has it, so there is nothing
        // exact to find or to wait for. A result that must not be stored must not be shared with followers either.
        return new CachePolicy(seedPinned, seedPinned && store, mode == CacheMode.SIMILAR && !seedPinned, store, false);
    }

    /** Whether any lookup needs Redis before the job is stored. */
    public boolean looksUp() {
        return lookup || coalesce || similar;
    }

    // RFC 9111 §5.2: a comma-separated list of directives, case-insensitive, some with "=value".
    private static boolean hasDirective(String header, String directive) {
        if (header == null) {
            return false;
        }
        for (String part : header.split(",")) {
            String name = part.strip();
            int eq = name.indexOf('=');
            if (eq >= 0) {
                name = name.substring(0, eq).strip();
            }
            if (name.toLowerCase(Locale.ROOT).equals(directive)) {
                return true;
            }
        }
        return false;
    }
}
