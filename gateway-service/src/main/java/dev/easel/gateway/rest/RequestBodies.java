package dev.easel.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.easel.common.json.JsonCodec;
import dev.easel.common.validation.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** Reads request bodies under the configured size limit, with problem+json answers for what is wrong. */
public final class RequestBodies {

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
            JsonNode node = JsonCodec.mapper().readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw malformed("the request body is empty");
            }
            return node;
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
