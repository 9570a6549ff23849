package dev.easel.gateway.rest;

import dev.easel.common.validation.Violation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the parts of a {@code multipart/form-data} body held in memory before the REST layer parses it (and
 * writes its file parts to disk): every part must carry one of the form's names, each name at most once. So a
 * form has at most as many parts as it has names, and a body of thousands of parts, or of parts nobody reads, is
 * refused at its first part too many, before anything is spooled. Parts are delimited as RFC 2046 says, with CRLF
 * line ends, as every HTTP client writes them.
 */
final class MultipartParts {

    /** Longest header block of one part: a content disposition with a file name and a content type fit many times. */
    static final int MAX_HEADER_BYTES = 8192;

    private static final Pattern NAME = Pattern.compile(
            "(?:^|;)\\s*name\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^;\\s]+))", Pattern.CASE_INSENSITIVE);
    private static final ByteBuf CRLF = bytes("\r\n");
    private static final ByteBuf DASHES = bytes("--");
    private static final ByteBuf HEADERS_END = bytes("\r\n\r\n");

    private MultipartParts() {
    }

    /**
     * @param names the form's part names, the required one first
     * @throws ApiException 400 {@code invalid_request}: no boundary, a part the form does not name (the violation
     *                      does not echo it), a name given twice, the first name missing, or a body that is not
     *                      delimited into parts
     */
    static void check(Buffer body, String contentType, List<String> names) {
        String boundary = boundary(contentType);
        ByteBuf in = body.getByteBuf();
        ByteBuf delimiter = bytes("--" + boundary);
        ByteBuf nextDelimiter = bytes("\r\n--" + boundary);
        int at = 0;
        if (!startsWith(in, 0, delimiter)) {
            int first = indexOf(in, nextDelimiter, 0);
            if (first < 0) {
                throw malformed("no part starts with the boundary the Content-Type names");
            }
            at = first + 2;
        }
        Set<String> seen = new HashSet<>();
        while (true) {
            int afterDelimiter = at + delimiter.readableBytes();
            if (startsWith(in, afterDelimiter, DASHES)) {
                // The close delimiter: the epilogue, if any, is ignored.
                if (!seen.contains(names.getFirst())) {
                    String message = "the form needs a part named " + names.getFirst();
                    throw new ApiException(400, "invalid_request", "Invalid request", "the `" + names.getFirst()
                            + "` part is missing", List.of(new Violation(names.getFirst(), Violation.REQUIRED, message)));
                }
                return;
            }
            int lineEnd = indexOf(in, CRLF, afterDelimiter);
            if (lineEnd < 0 || !in.toString(afterDelimiter, lineEnd - afterDelimiter, StandardCharsets.ISO_8859_1).isBlank()) {
                throw malformed("a boundary line is not followed by a line end");
            }
            int headersStart = lineEnd + 2;
            int headersLength = indexOf(in.slice(headersStart, Math.min(in.writerIndex() - headersStart, MAX_HEADER_BYTES + 4)),
                    HEADERS_END, 0);
            if (headersLength < 0 && !startsWith(in, headersStart, CRLF)) {
                throw malformed("a part's headers do not end within " + MAX_HEADER_BYTES + " bytes");
            }
            // A part without headers (its boundary line followed by an empty line) has no name either.
            String name = headersLength < 0 ? null : name(in.toString(headersStart, headersLength, StandardCharsets.UTF_8));
            if (name == null || !names.contains(name)) {
                String message = "the form holds a part that is not one of " + String.join(", ", names);
                throw new ApiException(400, "invalid_request", "Invalid request", message,
                        List.of(new Violation(Violation.BODY, Violation.UNKNOWN_FIELD, message)));
            }
            if (!seen.add(name)) {
                throw new ApiException(400, "invalid_request", "Invalid request", "the part " + name + " is given twice",
                        List.of(new Violation(name, Violation.UNSUPPORTED_VALUE, "given more than once")));
            }
            int next = indexOf(in, nextDelimiter, headersStart + headersLength + 4);
            if (next < 0) {
                throw malformed("the part " + name + " is not followed by a boundary");
            }
            at = next + 2;
        }
    }

    private static String boundary(String contentType) {
        String boundary;
        try {
            boundary = MediaType.valueOf(contentType).getParameters().get("boundary");
        } catch (IllegalArgumentException e) {
            boundary = null; // not a media type at all: answered as a missing boundary
        }
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
            String message = "multipart/form-data needs a boundary parameter of 1 to 70 characters";
            throw new ApiException(400, "invalid_request", "Invalid request", message,
                    List.of(new Violation(HttpHeaders.CONTENT_TYPE, Violation.INVALID_TYPE, message)));
        }
        return boundary;
    }

    /** The {@code name} of a part's {@code Content-Disposition: form-data}, or null. */
    private static String name(String headers) {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0 || !line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-disposition")) {
                continue;
            }
            String value = line.substring(colon + 1).trim();
            if (!value.toLowerCase(Locale.ROOT).startsWith("form-data")) {
                return null;
            }
            Matcher m = NAME.matcher(value.substring("form-data".length()));
            if (!m.find()) {
                return null;
            }
            return m.group(1) != null ? m.group(1).replaceAll("\\\\(.)", "$1") : m.group(2);
        }
        return null;
    }

    private static ApiException malformed(String message) {
        String detail = "the multipart body is malformed: " + message;
        return new ApiException(400, "invalid_request", "Invalid request", detail,
                List.of(new Violation(Violation.BODY, Violation.INVALID_TYPE, detail)));
    }

    private static boolean startsWith(ByteBuf in, int at, ByteBuf prefix) {
        int n = prefix.readableBytes();
        return at >= 0 && at + n <= in.writerIndex() && ByteBufUtil.equals(in, at, prefix, prefix.readerIndex(), n);
    }

    /** Index of {@code needle} in {@code in} at or after {@code from}, or -1. */
    private static int indexOf(ByteBuf in, ByteBuf needle, int from) {
        if (from > in.writerIndex()) {
            return -1;
        }
        int found = ByteBufUtil.indexOf(needle, in.slice(from, in.writerIndex() - from));
        return found < 0 ? -1 : from + found;
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.ISO_8859_1)));
    }
}
