import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Just enough HTTP/1.1 for the benches to talk to the gateway over keep-alive connections without a client
 * library: java.net.http's client costs a large share of the CPU the gateway needs on a small machine and adds its
 * own thread hand-offs to every round trip it times.
 */
final class HttpWire {

    /** The API key the benches call with (EASEL_API_KEY, set by deploy/local/easel); none when unset. */
    static final String API_KEY = System.getenv("EASEL_API_KEY");

    private HttpWire() {
    }

    /** A request for {@code path} on {@code host:port} with a JSON body and the given extra header lines. */
    static byte[] postJson(InetSocketAddress address, String path, String json, String... headerLines) {
        StringBuilder request = new StringBuilder(256 + json.length())
                .append("POST ").append(path).append(" HTTP/1.1\r\nHost: ").append(address.getHostString())
                .append(':').append(address.getPort()).append("\r\nContent-Type: application/json\r\nContent-Length: ")
                .append(json.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        if (API_KEY != null) {
            request.append("Authorization: Bearer ").append(API_KEY).append("\r\n");
        }
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        return request.append("\r\n").append(json).toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The status code once {@code buf[0, length)} holds a whole response, else 0. */
    static int complete(byte[] buf, int length) {
        int headerEnd = indexOf(buf, 0, length, "\r\n\r\n");
        if (headerEnd < 0) {
            return 0;
        }
        String head = new String(buf, 0, headerEnd, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        int status = Integer.parseInt(head.substring(9, 12));
        int bodyStart = headerEnd + 4;
        int contentLength = header(head, "content-length");
        if (contentLength >= 0) {
            return length >= bodyStart + contentLength ? status : 0;
        }
        if (head.contains("\r\ntransfer-encoding: chunked")) {
            return chunkedEnd(buf, bodyStart, length) ? status : 0;
        }
        return status;
    }

    /** The body of a whole response in {@code buf[0, length)} (not de-chunked). */
    static String body(byte[] buf, int length) {
        int headerEnd = indexOf(buf, 0, length, "\r\n\r\n");
        return new String(buf, headerEnd + 4, length - headerEnd - 4, StandardCharsets.UTF_8);
    }

    /** One blocking keep-alive connection: a request, then its whole answer. */
    static final class Connection implements AutoCloseable {
        private final SocketChannel channel;
        private byte[] buf = new byte[16 * 1024];
        private int last;

        Connection(InetSocketAddress address) throws IOException {
            channel = SocketChannel.open(address);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }

        /** Sends {@code request} and reads the answer; returns its status, the answer stays in {@link #body()}. */
        int exchange(byte[] request) throws IOException {
            ByteBuffer out = ByteBuffer.wrap(request);
            while (out.hasRemaining()) {
                channel.write(out);
            }
            int length = 0;
            while (true) {
                if (length == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                int read = channel.read(ByteBuffer.wrap(buf, length, buf.length - length));
                if (read < 0) {
                    throw new IOException("the server closed the connection before answering");
                }
                length += read;
                int status = complete(buf, length);
                if (status != 0) {
                    last = length;
                    return status;
                }
            }
        }

        String body() {
            return HttpWire.body(buf, last);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private static int header(String head, String name) {
        int at = head.indexOf("\r\n" + name + ":");
        if (at < 0) {
            return -1;
        }
        int from = at + name.length() + 3;
        int to = head.indexOf("\r\n", from);
        return Integer.parseInt(head.substring(from, to < 0 ? head.length() : to).trim());
    }

    private static boolean chunkedEnd(byte[] buf, int from, int length) {
        int at = from;
        while (true) {
            int lineEnd = indexOf(buf, at, length, "\r\n");
            if (lineEnd < 0) {
                return false;
            }
            String size = new String(buf, at, lineEnd - at, StandardCharsets.ISO_8859_1);
            int semicolon = size.indexOf(';');
            int chunk = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (chunk == 0) {
                return indexOf(buf, lineEnd, length, "\r\n\r\n") >= 0;
            }
            at = lineEnd + 2 + chunk + 2;
            if (at > length) {
                return false;
            }
        }
    }

    private static int indexOf(byte[] buf, int from, int length, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = from; i <= length - n.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (buf[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
