package dev.easel.common.validation;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Reads the format and pixel size of PNG, JPEG and WebP files from their headers alone, so that an image
 * claiming a huge canvas (a decompression bomb) is refused before anything decodes it.
 */
public final class ImageHeaders {

    public static final String PNG = "image/png";
    public static final String JPEG = "image/jpeg";
    public static final String WEBP = "image/webp";

    private static final byte[] IHDR = ascii("IHDR");
    private static final byte[] IDAT = ascii("IDAT");
    private static final byte[] IEND = ascii("IEND");
    private static final byte[] RIFF = ascii("RIFF");
    private static final byte[] WEBP_FOURCC = ascii("WEBP");
    private static final byte[] VP8 = ascii("VP8 ");
    private static final byte[] VP8L = ascii("VP8L");
    private static final byte[] VP8X = ascii("VP8X");
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    /** The sniffed format and the size the header declares. */
    public record Header(String mediaType, int width, int height) {
    }

    private ImageHeaders() {
    }

    /**
     * @throws ImageRejectedException ({@code image_invalid}) when the bytes are not a well-formed PNG, JPEG or
     *     WebP header
     */
    public static Header read(byte[] bytes) {
        String format = sniff(bytes);
        if (format == null) {
            throw ImageRejectedException.invalid("is not a PNG, JPEG or WebP image");
        }
        return switch (format) {
            case PNG -> png(bytes);
            case JPEG -> jpeg(bytes);
            default -> webp(bytes);
        };
    }

    /** The format the leading bytes announce, or null for none of the three. */
    private static String sniff(byte[] bytes) {
        if (startsWith(bytes, 0, PNG_SIGNATURE)) {
            return PNG;
        }
        if (bytes.length >= 3 && u8(bytes, 0) == 0xFF && u8(bytes, 1) == 0xD8 && u8(bytes, 2) == 0xFF) {
            return JPEG;
        }
        return startsWith(bytes, 0, RIFF) && startsWith(bytes, 8, WEBP_FOURCC) ? WEBP : null;
    }

    /**
     * How many of the bytes the image itself takes: up to PNG's {@code IEND} chunk, JPEG's end-of-image marker
     * (after the last scan, not one inside an embedded thumbnail), or the length WebP's RIFF header declares. What
     * follows (an appended archive, a script, another file) is not part of the image. All the bytes when they are
     * none of the three formats or their structure cannot be followed to its end.
     */
    public static int imageLength(byte[] bytes) {
        String format = sniff(bytes);
        if (format == null) {
            return bytes.length;
        }
        return switch (format) {
            case PNG -> pngLength(bytes);
            case JPEG -> jpegLength(bytes);
            default -> webpLength(bytes);
        };
    }

    // The RIFF size counts every chunk with its padding byte; one that does not even cover the first chunk is not
    // followed (the header check judges such a file).
    private static int webpLength(byte[] b) {
        long declared = 8 + u32le(b, 4);
        return b.length < 20 || declared < 20 + u32le(b, 16) ? b.length : (int) Math.min(b.length, declared);
    }

    private static int pngLength(byte[] b) {
        int pos = PNG_SIGNATURE.length;
        while (b.length - pos >= 12) {
            long length = u32be(b, pos);
            if (length > b.length - pos - 12) {
                break;
            }
            int end = pos + 12 + (int) length;
            if (startsWith(b, pos + 4, IEND)) {
                return end;
            }
            pos = end;
        }
        return b.length;
    }

    // Marker segments until start-of-scan; then entropy-coded data, where 0xFF is followed by 0x00 (a stuffed byte),
    // a restart marker or fill, until the next marker: another segment, another scan, or the end of the image.
    private static int jpegLength(byte[] b) {
        int pos = 2;
        while (pos + 1 < b.length) {
            if (u8(b, pos) != 0xFF) {
                return b.length;
            }
            int marker = u8(b, pos + 1);
            if (marker == 0xFF) {
                pos++; // fill byte
                continue;
            }
            if (marker == 0xD9) {
                return pos + 2;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                pos += 2;
                continue;
            }
            if (pos + 4 > b.length) {
                return b.length;
            }
            int next = pos + 2 + u16be(b, pos + 2);
            if (marker != 0xDA) {
                pos = next;
                continue;
            }
            pos = next;
            while (pos + 1 < b.length) {
                if (u8(b, pos) == 0xFF) {
                    int following = u8(b, pos + 1);
                    if (following != 0x00 && following != 0xFF && (following < 0xD0 || following > 0xD7)) {
                        break;
                    }
                    pos += following == 0xFF ? 1 : 2;
                } else {
                    pos++;
                }
            }
        }
        return b.length;
    }

    // PNG (ISO/IEC 15948): IHDR must come first; the chunk walk (lengths only, nothing inflated) catches truncation.
    private static Header png(byte[] b) {
        int pos = PNG_SIGNATURE.length;
        Header header = null;
        boolean sawImageData = false;
        while (true) {
            if (b.length - pos < 12) {
                throw truncated("PNG");
            }
            long length = u32be(b, pos);
            if (length > b.length - pos - 12) {
                throw truncated("PNG");
            }
            int type = pos + 4;
            int data = pos + 8;
            if (header == null) {
                if (!startsWith(b, type, IHDR) || length != 13) {
                    throw ImageRejectedException.invalid("PNG does not start with an IHDR chunk");
                }
                var crc = new CRC32();
                crc.update(b, type, 4 + 13);
                if (crc.getValue() != u32be(b, data + 13)) {
                    throw ImageRejectedException.invalid("PNG header is corrupt (IHDR checksum mismatch)");
                }
                header = new Header(PNG, side(u32be(b, data)), side(u32be(b, data + 4)));
            } else if (startsWith(b, type, IDAT)) {
                sawImageData = true;
            } else if (startsWith(b, type, IEND)) {
                if (!sawImageData) {
                    throw ImageRejectedException.invalid("PNG has no image data");
                }
                return header;
            }
            pos = data + (int) length + 4;
        }
    }

    // JPEG (ITU T.81 B.1): walk marker segments to the first start-of-frame, which holds the size.
    private static Header jpeg(byte[] b) {
        int pos = 2;
        while (true) {
            if (pos >= b.length) {
                throw truncated("JPEG");
            }
            if (u8(b, pos) != 0xFF) {
                throw ImageRejectedException.invalid("JPEG marker expected at byte " + pos);
            }
            while (pos < b.length && u8(b, pos) == 0xFF) {
                pos++; // fill bytes
            }
            if (pos >= b.length) {
                throw truncated("JPEG");
            }
            int marker = u8(b, pos++);
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue; // TEM and RSTn stand alone, without a length
            }
            if (marker == 0xD8 || marker == 0xD9 || marker == 0xDA || marker == 0x00) {
                throw ImageRejectedException.invalid("JPEG has no frame header before its image data");
            }
            if (b.length - pos < 2) {
                throw truncated("JPEG");
            }
            int length = u16be(b, pos);
            if (length < 2 || length > b.length - pos) {
                throw truncated("JPEG");
            }
            if (isStartOfFrame(marker)) {
                if (length < 8) {
                    throw ImageRejectedException.invalid("JPEG frame header is too short");
                }
                int height = u16be(b, pos + 3);
                int width = u16be(b, pos + 5);
                if (width == 0 || height == 0) {
                    throw ImageRejectedException.invalid("JPEG declares a zero width or height");
                }
                return new Header(JPEG, width, height);
            }
            pos += length;
        }
    }

    private static boolean isStartOfFrame(int marker) {
        // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    // WebP container (RFC 9649): the first chunk is VP8 (lossy), VP8L (lossless) or VP8X (extended).
    private static Header webp(byte[] b) {
        long riffSize = u32le(b, 4);
        if (b.length < 20 || riffSize + 8 > b.length) {
            throw truncated("WebP");
        }
        long chunkSize = u32le(b, 16);
        int data = 20;
        if (chunkSize > b.length - data) {
            throw truncated("WebP");
        }
        if (startsWith(b, 12, VP8)) {
            // RFC 6386 §9.1: 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height.
            if (chunkSize < 10 || (u8(b, data) & 1) != 0
                    || u8(b, data + 3) != 0x9D || u8(b, data + 4) != 0x01 || u8(b, data + 5) != 0x2A) {
                throw ImageRejectedException.invalid("WebP VP8 frame header is invalid");
            }
            int width = u16le(b, data + 6) & 0x3FFF;
            int height = u16le(b, data + 8) & 0x3FFF;
            if (width == 0 || height == 0) {
                throw ImageRejectedException.invalid("WebP declares a zero width or height");
            }
            return new Header(WEBP, width, height);
        }
        if (startsWith(b, 12, VP8L)) {
            // RFC 9649 §3.2: signature 0x2f, then width-1 and height-1 in 14 bits each and a 3-bit version of 0.
            if (chunkSize < 5 || u8(b, data) != 0x2F) {
                throw ImageRejectedException.invalid("WebP VP8L header is invalid");
            }
            long bits = u32le(b, data + 1);
            if ((bits >>> 29) != 0) {
                throw ImageRejectedException.invalid("WebP VP8L version is not 0");
            }
            return new Header(WEBP, (int) (bits & 0x3FFF) + 1, (int) ((bits >>> 14) & 0x3FFF) + 1);
        }
        if (startsWith(b, 12, VP8X)) {
            // RFC 9649 §2.7: flags, 3 reserved bytes, then canvas width-1 and height-1 in 24 bits each.
            if (chunkSize < 10) {
                throw ImageRejectedException.invalid("WebP VP8X header is invalid");
            }
            return new Header(WEBP, u24le(b, data + 4) + 1, u24le(b, data + 7) + 1);
        }
        throw ImageRejectedException.invalid("WebP has no VP8, VP8L or VP8X chunk first");
    }

    private static int side(long value) {
        if (value == 0 || value > Integer.MAX_VALUE) {
            throw ImageRejectedException.invalid("PNG declares a width or height outside 1..2^31-1");
        }
        return (int) value;
    }

    private static ImageRejectedException truncated(String format) {
        return ImageRejectedException.invalid(format + " data is truncated or corrupt");
    }

    private static boolean startsWith(byte[] b, int offset, byte[] prefix) {
        if (b.length - offset < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    private static int u16be(byte[] b, int i) {
        return (u8(b, i) << 8) | u8(b, i + 1);
    }

    private static int u16le(byte[] b, int i) {
        return u8(b, i) | (u8(b, i + 1) << 8);
    }

    private static int u24le(byte[] b, int i) {
        return u8(b, i) | (u8(b, i + 1) << 8) | (u8(b, i + 2) << 16);
    }

    private static long u32be(byte[] b, int i) {
        return ((long) u16be(b, i) << 16) | u16be(b, i + 2);
    }

    private static long u32le(byte[] b, int i) {
        return u16le(b, i) | ((long) u16le(b, i + 2) << 16);
    }
}
