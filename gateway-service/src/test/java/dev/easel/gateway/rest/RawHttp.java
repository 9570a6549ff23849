package dev.easel.gateway.rest;

import dev.easel.testsupport.TestKeys;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A request written byte by byte on a socket, so that a test chooses how its body is framed, as the clients of the
 * API do: HTTP client libraries declare a {@code Content-Length}, streaming ones send chunks, curl asks
 * {@code Expect: 100-continue} first for large bodies, and old clients and proxies speak HTTP/1.0.
 */
public final class RawHttp {

    /** How a body travels. */
    public enum Framing {
        CONTENT_LENGTH, CHUNKED, EXPECT_CONTINUE, HTTP_1_0
    }

    /** An answer: its status, its headers (names in lower case) and its body. */
    public record Answer(int status, Map<String, String> headers, byte[] body) {

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static final int CHUNK = 64 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    private RawHttp() {
    }

    /** POSTs {@code body} to {@code path} with the given framing and reads the final answer. */
    public static Answer post(URL base, String path, String contentType, byte[] body, Framing framing) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            StringBuilder head = new StringBuilder()
                    .append("POST ").append(path).append(framing == Framing.HTTP_1_0 ? " HTTP/1.0" : " HTTP/1.1").append("\r\n")
                    .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n")
                    .append("Authorization: ").append(TestKeys.operatorBearer()).append("\r\n")
                    .append("Content-Type: ").append(contentType).append("\r\n");
            if (framing == Framing.CHUNKED) {
                head.append("Transfer-Encoding: chunked\r\n");
            } else {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            if (framing == Framing.EXPECT_CONTINUE) {
                head.append("Expect: 100-continue\r\n");
            }
            if (framing != Framing.HTTP_1_0) {
                head.append("Connection: close\r\n");
            }
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (framing == Framing.EXPECT_CONTINUE) {
                Answer interim = readHeadAndBody(in);
                if (interim.status() != 100) {
                    return interim; // refused before the body was sent
                }
            }
            // Written by another thread: the server may answer (and close) before it has read the whole body.
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> writeBody(out, body, framing));
            Answer answer = readHeadAndBody(in);
            writing.exceptionally(e -> null);
            return answer;
        }
    }

    private static void writeBody(OutputStream out, byte[] body, Framing framing) {
        try {
            if (framing == Framing.CHUNKED) {
                for (int at = 0; at < body.length; at += CHUNK) {
                    int length = Math.min(CHUNK, body.length - at);
                    out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, at, length);
                    out.write(CRLF);
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(body);
            }
            out.flush();
        } catch (IOException e) {
            // The server answered and closed first; the answer says why.
        }
    }

    private static Answer readHeadAndBody(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP status line: '" + statusLine + "'");
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        if (status == 100) {
            return new Answer(status, headers, new byte[0]);
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream chunks = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16); size > 0;
                 size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                chunks.write(in.readNBytes(size));
                line(in);
            }
            body = chunks.toByteArray();
        } else if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else {
            body = in.readAllBytes();
        }
        return new Answer(status, headers, body);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c == -1) {
                throw new IOException("connection closed after '" + line + "'");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
