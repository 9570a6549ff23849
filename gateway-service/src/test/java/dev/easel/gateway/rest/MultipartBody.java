package dev.easel.gateway.rest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A {@code multipart/form-data} body written as HTTP clients write one: CRLF line ends, a close delimiter. */
final class MultipartBody {

    /** One part: a text field when {@code filename} is null, else a file. */
    record Part(String name, String filename, String contentType, byte[] bytes) {

        static Part field(String name, String value) {
            return new Part(name, null, null, value.getBytes(StandardCharsets.UTF_8));
        }

        static Part file(String name, byte[] bytes) {
            return new Part(name, name + ".png", "image/png", bytes);
        }
    }

    private MultipartBody() {
    }

    static byte[] of(String boundary, List<Part> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part part : parts) {
            StringBuilder head = new StringBuilder("--" + boundary + "\r\nContent-Disposition: form-data; name=\"")
                    .append(part.name()).append('"');
            if (part.filename() != null) {
                head.append("; filename=\"").append(part.filename()).append("\"\r\nContent-Type: ").append(part.contentType());
            }
            out.writeBytes(head.append("\r\n\r\n").toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(part.bytes());
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
