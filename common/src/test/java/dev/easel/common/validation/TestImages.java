package dev.easel.common.validation;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Image fixtures built in code: real PNG and JPEG files from ImageIO, and hand-built headers. */
final class TestImages {

    private TestImages() {
    }

    static byte[] png(int width, int height) {
        return encode(width, height, "png");
    }

    static byte[] jpeg(int width, int height) {
        return encode(width, height, "jpg");
    }

    private static byte[] encode(int width, int height, String format) {
        var image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(Color.RED);
        g.fillOval(0, 0, width, height);
        g.dispose();
        var out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String dataUrl(String mediaType, byte[] bytes) {
        return "data:" + mediaType + ";base64," + Base64.getEncoder().encodeToString(bytes);
    }

    static String pngDataUrl(int width, int height) {
        return dataUrl("image/png", png(width, height));
    }

    /** A structurally valid PNG that claims any size while carrying no pixels: a decompression bomb's header. */
    static byte[] pngHeaderOnly(long width, long height) {
        var out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt((int) width).putInt((int) height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[0]);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        var crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** RIFF/WEBP with a lossy VP8 key-frame header (RFC 6386 §9.1). */
    static byte[] webpLossy(int width, int height) {
        ByteBuffer vp8 = le(10).put(new byte[] {0x10, 0x02, 0x00}) // key frame tag
                .put((byte) 0x9D).put((byte) 0x01).put((byte) 0x2A)
                .putShort((short) width).putShort((short) height);
        return riff("VP8 ", vp8.array());
    }

    /** RIFF/WEBP with a lossless VP8L header: width-1 and height-1 in 14 bits each. */
    static byte[] webpLossless(int width, int height) {
        int bits = (width - 1) | ((height - 1) << 14);
        return riff("VP8L", le(5).put((byte) 0x2F).putInt(bits).array());
    }

    /** RIFF/WEBP with an extended VP8X header: 24-bit canvas width-1 and height-1. */
    static byte[] webpExtended(int width, int height) {
        ByteBuffer vp8x = le(10).put((byte) 0).put(new byte[3]);
        putU24(vp8x, width - 1);
        putU24(vp8x, height - 1);
        return riff("VP8X", vp8x.array());
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void putU24(ByteBuffer buffer, int value) {
        buffer.put((byte) value).put((byte) (value >>> 8)).put((byte) (value >>> 16));
    }

    private static byte[] riff(String fourcc, byte[] payload) {
        ByteBuffer b = le(20 + payload.length);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(12 + payload.length)
                .put("WEBP".getBytes(StandardCharsets.US_ASCII))
                .put(fourcc.getBytes(StandardCharsets.US_ASCII)).putInt(payload.length).put(payload);
        return b.array();
    }
}
