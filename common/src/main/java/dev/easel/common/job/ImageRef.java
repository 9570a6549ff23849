package dev.easel.common.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/** An input image as the API names it: inline as a data URL, or by the id of an earlier upload. */
public sealed interface ImageRef permits ImageRef.DataUrl, ImageRef.Upload {

    /** The form this reference takes in JSON: {@code data:<type>;base64,<data>} or {@code upload:<id>}. */
    @JsonValue
    String wire();

    /**
     * Reads a reference from its wire form.
     *
     * @throws IllegalArgumentException with a client-readable reason when it is neither form
     */
    @JsonCreator
    static ImageRef parse(String wire) {
        Objects.requireNonNull(wire, "wire");
        if (wire.regionMatches(true, 0, Upload.PREFIX, 0, Upload.PREFIX.length())) {
            return new Upload(wire.substring(Upload.PREFIX.length()));
        }
        if (wire.regionMatches(true, 0, DataUrl.PREFIX, 0, DataUrl.PREFIX.length())) {
            return DataUrl.parse(wire);
        }
        throw new IllegalArgumentException("must be a data: URL (data:image/png;base64,...) or upload:<id>");
    }

    /** Image bytes carried inline (RFC 2397, base64 only). */
    record DataUrl(String mediaType, byte[] bytes) implements ImageRef {

        static final String PREFIX = "data:";
        private static final String BASE64_MARKER = ";base64";

        public DataUrl {
            Objects.requireNonNull(mediaType, "mediaType");
            Objects.requireNonNull(bytes, "bytes");
            mediaType = mediaType.toLowerCase(Locale.ROOT);
            // Copied so that the value stays immutable; images are at most a few MiB.
            bytes = bytes.clone();
        }

        static DataUrl parse(String wire) {
            int comma = wire.indexOf(',');
            if (comma < 0) {
                throw new IllegalArgumentException("data URL has no ',' before its data");
            }
            String header = wire.substring(PREFIX.length(), comma);
            if (!header.toLowerCase(Locale.ROOT).endsWith(BASE64_MARKER)) {
                throw new IllegalArgumentException("data URL must be base64-encoded (data:image/png;base64,...)");
            }
            int semicolon = header.indexOf(';');
            String mediaType = header.substring(0, semicolon).trim().toLowerCase(Locale.ROOT);
            if (!mediaType.startsWith("image/") || mediaType.length() == "image/".length()) {
                throw new IllegalArgumentException("data URL must declare an image media type");
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(withoutWhitespace(wire.substring(comma + 1)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("data URL payload is not valid base64");
            }
            if (bytes.length == 0) {
                throw new IllegalArgumentException("data URL carries no data");
            }
            return new DataUrl(mediaType, bytes);
        }

        // Clients that wrap base64 at 76 columns (MIME style) are common; the strict decoder rejects line breaks.
        private static String withoutWhitespace(String payload) {
            for (int i = 0; i < payload.length(); i++) {
                if (Character.isWhitespace(payload.charAt(i))) {
                    return payload.replaceAll("\\s+", "");
                }
            }
            return payload;
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        public int size() {
            return bytes.length;
        }

        /** Lower-case hex SHA-256 of the decoded image bytes. */
        public String sha256() {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime provides SHA-256", e);
            }
        }

        @Override
        public String wire() {
            return PREFIX + mediaType + BASE64_MARKER + "," + Base64.getEncoder().encodeToString(bytes);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof DataUrl that && mediaType.equals(that.mediaType) && Arrays.equals(bytes, that.bytes);
        }

        @Override
        public int hashCode() {
            return 31 * mediaType.hashCode() + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "DataUrl[" + mediaType + ", " + bytes.length + " bytes]";
        }
    }

    /** An image stored earlier through {@code POST /v1/uploads}, under {@code uploads/{id}}. */
    record Upload(String id) implements ImageRef {

        static final String PREFIX = "upload:";
        private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

        public Upload {
            Objects.requireNonNull(id, "id");
            if (!ID.matcher(id).matches()) {
                throw new IllegalArgumentException("upload id must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-'");
            }
        }

        @Override
        public String wire() {
            return PREFIX + id;
        }
    }
}
