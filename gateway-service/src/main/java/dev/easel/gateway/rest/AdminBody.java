package dev.easel.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.easel.common.validation.InvalidRequestException;
import dev.easel.common.validation.Violation;
import dev.easel.gateway.identity.Quota;
import dev.easel.gateway.identity.RateLimit;
import dev.easel.gateway.identity.Role;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The JSON body of an admin request, read field by field: every offending field is collected and reported
 * together (400 {@code invalid_request}), unknown fields included (named, never echoed).
 */
final class AdminBody {

    private static final int MAX_TEXT = 200;

    private final JsonNode body;
    private final List<Violation> violations = new ArrayList<>();

    private AdminBody(JsonNode body) {
        this.body = body;
    }

    /** The body, which must be a JSON object with no fields but {@code known}. */
    static AdminBody of(byte[] bytes, Set<String> known) {
        JsonNode body = RequestBodies.json(bytes);
        if (!body.isObject()) {
            throw new InvalidRequestException(List.of(new Violation(Violation.BODY, Violation.INVALID_TYPE,
                    "the body must be a JSON object")));
        }
        AdminBody admin = new AdminBody(body);
        int unknown = 0;
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            if (!known.contains(names.next())) {
                unknown++;
            }
        }
        if (unknown > 0) {
            admin.violations.add(new Violation(Violation.BODY, Violation.UNKNOWN_FIELD, unknown
                    + " field(s) this endpoint does not know; it takes " + String.join(", ", known.stream().sorted().toList())));
        }
        return admin;
    }

    /** A string of 1-200 characters; null when absent (a violation when {@code required}). */
    String text(String field, boolean required) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                violations.add(new Violation(field, Violation.REQUIRED, "is required"));
            }
            return null;
        }
        if (!value.isTextual() || value.textValue().isBlank()) {
            violations.add(new Violation(field, Violation.INVALID_TYPE, "must be a non-empty string"));
            return null;
        }
        if (value.textValue().length() > MAX_TEXT) {
            violations.add(new Violation(field, Violation.TOO_LONG, "must be at most " + MAX_TEXT + " characters"));
            return null;
        }
        return value.textValue();
    }

    /** A string matching {@code pattern} ({@code described} in the violation); null when absent. */
    String matching(String field, boolean required, Pattern pattern, String described) {
        String value = text(field, required);
        if (value != null && !pattern.matcher(value).matches()) {
            violations.add(new Violation(field, Violation.INVALID_TYPE, "must be " + described));
            return null;
        }
        return value;
    }

    /** As {@link #matching}, but {@code ""} is a value of its own: "clear this setting". */
    String clearable(String field, Pattern pattern, String described) {
        JsonNode value = body.get(field);
        if (value != null && value.isTextual() && value.textValue().isEmpty()) {
            return "";
        }
        return matching(field, false, pattern, described + ", or \"\" to clear it");
    }

    Role role(String field) {
        String value = text(field, true);
        if (value == null) {
            return null;
        }
        return Role.fromWire(value).orElseGet(() -> {
            violations.add(new Violation(field, Violation.UNSUPPORTED_VALUE,
                    "must be one of viewer, member, admin, operator"));
            return null;
        });
    }

    /** An RFC 3339 instant after {@code now}; null when absent. */
    Instant future(String field, Instant now) {
        String value = text(field, false);
        if (value == null) {
            return null;
        }
        try {
            Instant at = Instant.parse(value);
            if (!at.isAfter(now)) {
                violations.add(new Violation(field, Violation.OUT_OF_RANGE, "must be in the future"));
                return null;
            }
            return at;
        } catch (DateTimeParseException e) {
            violations.add(new Violation(field, Violation.INVALID_TYPE,
                    "must be an RFC 3339 time in UTC, e.g. 2027-01-31T00:00:00Z"));
            return null;
        }
    }

    /** A field that may be absent (leave as is), {@code null} (clear it) or a value (set it). */
    record Change<T>(boolean given, T value) {
    }

    /**
     * A rate limit, {@code {"per_second": number, "burst": integer}}, or {@code null} to clear it.
     */
    Change<RateLimit> rateLimit(String field, String name) {
        if (!body.has(field)) {
            return new Change<>(false, null);
        }
        JsonNode value = body.get(field);
        if (value.isNull()) {
            return new Change<>(true, null);
        }
        JsonNode perSecond = value.get("per_second");
        JsonNode burst = value.get("burst");
        if (!value.isObject() || value.size() != 2 || perSecond == null || !perSecond.isNumber() || burst == null
                || !burst.canConvertToInt() || !burst.isIntegralNumber()) {
            violations.add(new Violation(field, Violation.INVALID_TYPE,
                    "must be {\"per_second\": number, \"burst\": integer} or null"));
            return new Change<>(false, null);
        }
        double rate = perSecond.doubleValue();
        int size = burst.intValue();
        if (!(rate > 0 && rate <= RateLimit.MAX_PER_SECOND) || size < 1 || size > RateLimit.MAX_BURST) {
            violations.add(new Violation(field, Violation.OUT_OF_RANGE, "per_second must be above 0 and at most "
                    + (long) RateLimit.MAX_PER_SECOND + ", burst from 1 to " + RateLimit.MAX_BURST));
            return new Change<>(false, null);
        }
        return new Change<>(true, new RateLimit(name, rate, size));
    }

    private static final Set<String> QUOTA_FIELDS = Set.of("active_jobs", "images_per_day", "images_per_month");

    /**
     * Quotas, {@code {"active_jobs", "images_per_day", "images_per_month"}} (each a whole number from 0, or null for
     * none), or {@code null} to clear them all.
     */
    Change<Quota> quota(String field, String scope) {
        if (!body.has(field)) {
            return new Change<>(false, null);
        }
        JsonNode value = body.get(field);
        if (value.isNull()) {
            return new Change<>(true, null);
        }
        if (!value.isObject() || value.isEmpty()) {
            violations.add(new Violation(field, Violation.INVALID_TYPE, "must be an object with any of "
                    + "active_jobs, images_per_day, images_per_month, or null"));
            return new Change<>(false, null);
        }
        Integer[] bounds = new Integer[3];
        String[] names = {"active_jobs", "images_per_day", "images_per_month"};
        for (Iterator<String> fields = value.fieldNames(); fields.hasNext(); ) {
            String name = fields.next();
            if (!QUOTA_FIELDS.contains(name)) {
                violations.add(new Violation(field, Violation.UNKNOWN_FIELD,
                        "takes active_jobs, images_per_day and images_per_month"));
                return new Change<>(false, null);
            }
        }
        for (int i = 0; i < names.length; i++) {
            JsonNode bound = value.get(names[i]);
            if (bound == null || bound.isNull()) {
                continue;
            }
            if (!bound.isIntegralNumber() || !bound.canConvertToInt() || bound.intValue() < 0) {
                violations.add(new Violation(field + "." + names[i], Violation.OUT_OF_RANGE,
                        "must be a whole number from 0 to " + Integer.MAX_VALUE + ", or null"));
                return new Change<>(false, null);
            }
            bounds[i] = bound.intValue();
        }
        return new Change<>(true, bounds[0] == null && bounds[1] == null && bounds[2] == null ? null
                : new Quota(scope, bounds[0], bounds[1], bounds[2]));
    }

    Boolean bool(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            violations.add(new Violation(field, Violation.INVALID_TYPE, "must be true or false"));
            return null;
        }
        return value.booleanValue();
    }

    /** Throws 400 with every violation found, if any. */
    void check() {
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
    }
}
