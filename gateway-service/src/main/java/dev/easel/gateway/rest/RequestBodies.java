package dev.easel.gateway.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.common.json.JsonCodec;
import dev.easel.common.validation.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** Reads request bodies under the configured size limit, with problem+json answers for what is wrong. */
public final class RequestBodies {

    /** Deepest nesting of a request body: a job nests three levels, its metadata eight. */
    static final int MAX_NESTING = 16;
    /** Most tokens in a request body: a job has a few dozen, its 4 KiB of metadata at most ~2,000. */
    static final long MAX_TOKENS = 10_000;
    /** Longest number: more digits than a double or a long can hold mean nothing. */
    static final int MAX_NUMBER_LENGTH = 64;

    /**
     * The wire mapper with bounds on what it builds: however large a body, parsing it holds at most
     * {@value #MAX_TOKENS} tokens and {@value #MAX_NESTING} levels (a 32 MiB array of empty objects once needed
     * 1.4 GB of heap). A string may be as long as the body allows: an inline image is one.
     */
    private static final ObjectMapper REQUESTS = JsonCodec.mapper().copyWith(JsonFactory.builder()
            // The wire mapper's own parser setting, which lives in its factory.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING)
                    .maxTokenCount(MAX_TOKENS)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxStringLength(Integer.MAX_VALUE)
                    .build())
            .build());

    private RequestBodies() {
    }

    /**
     * @throws ApiException 413 {@code payload_too_large} beyond {@code maxBytes}
     */
    public static byte[] read(InputStream in, long maxBytes) {
        try (in) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw tooLarge(maxBytes);
            }
            return bytes;
        } catch (IOException e) {
            throw new ApiException(400, "invalid_request", "Invalid request", "the request body could not be read");
        }
    }

    /** The {@code Content-Length} a request declares, or -1 when it declares none that is a number. */
    static long declaredLength(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public static ApiException tooLarge(long maxBytes) {
        return new ApiException(413, "payload_too_large", "Payload too large",
                "the request body is larger than " + maxBytes + " bytes");
    }

    /**
     * @throws ApiException 400 {@code invalid_request} with field {@code ""} when the bytes are not JSON
     */
    public static JsonNode json(byte[] bytes) {
        try {
            JsonNode node = REQUESTS.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw malformed("the request body is empty");
            }
            return node;
        } catch (StreamConstraintsException e) {
            String message = "the request body is too complex: " + e.getOriginalMessage().replaceAll(", from `[^`]*`", "");
            throw new ApiException(400, "invalid_request", "Invalid request", message,
                    List.of(new Violation(Violation.BODY, Violation.TOO_LARGE, message)));
        } catch (JsonProcessingException e) {
            throw malformed("the request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw malformed("the request body could not be read");
        }
    }

    private static ApiException malformed(String message) {
        return new ApiException(400, "invalid_request", "Invalid request", message,
                List.of(new Violation(Violation.BODY, "malformed_json", message)));
    }
}
