package dev.easel.common.validation;

import dev.easel.common.job.ImageRef;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Inspects inline data-URL images against byte and pixel limits; it cannot resolve uploads. */
public final class DataUrlImageInspector implements ImageInspector {

    public static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024;
    public static final long DEFAULT_MAX_PIXELS = 4096L * 4096;

    private final long maxBytes;
    private final long maxPixels;

    public DataUrlImageInspector() {
        this(DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS);
    }

    public DataUrlImageInspector(long maxBytes, long maxPixels) {
        if (maxBytes < 1 || maxPixels < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxBytes = maxBytes;
        this.maxPixels = maxPixels;
    }

    @Override
    public ImageInfo inspect(ImageRef ref) {
        return switch (ref) {
            case ImageRef.DataUrl dataUrl -> inspectBytes(dataUrl.bytes());
            case ImageRef.Upload upload -> throw ImageRejectedException.invalid(
                    "upload " + upload.id() + " does not exist");
        };
    }

    /** Applies the same checks to raw bytes, e.g. the body of {@code POST /v1/uploads}. */
    public ImageInfo inspectBytes(byte[] bytes) {
        if (bytes.length > maxBytes) {
            throw ImageRejectedException.tooLarge("is " + bytes.length + " bytes; the limit is " + maxBytes);
        }
        ImageHeaders.Header header = ImageHeaders.read(bytes);
        long pixels = (long) header.width() * header.height();
        if (pixels > maxPixels) {
            throw ImageRejectedException.tooLarge("is " + header.width() + "×" + header.height()
                    + " pixels; the limit is " + maxPixels + " pixels");
        }
        return new ImageInfo(header.width(), header.height(), header.mediaType(), sha256(bytes));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
