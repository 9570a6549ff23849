package dev.easel.engine.image;

import dev.easel.common.validation.ImageHeaders;
import dev.easel.common.validation.ImageRejectedException;
import dev.easel.engine.InvalidInputException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Reads input images safely and writes the engine's outputs: PNG with the generation parameters in text
 * chunks, and JPEG thumbnails and previews.
 */
public final class ImageCodec {

    private ImageCodec() {
    }

    /**
     * Decodes PNG, JPEG or WebP bytes after checking the size the header declares, so a decompression bomb
     * is refused before any pixel buffer is allocated.
     *
     * @throws InvalidInputException {@code image_invalid} or {@code image_too_large}, naming {@code field}
     */
    public static BufferedImage decode(byte[] bytes, long maxPixels, String field) {
        ImageHeaders.Header header;
        try {
            header = ImageHeaders.read(bytes);
        } catch (ImageRejectedException e) {
            throw new InvalidInputException("image_invalid", field, e.getMessage());
        }
        if ((long) header.width() * header.height() > maxPixels) {
            throw new InvalidInputException("image_too_large", field,
                    header.width() + "×" + header.height() + " exceeds " + maxPixels + " pixels");
        }
        // Memory-backed streams: ImageIO's factory methods buffer through a temporary file whenever its cache is on
        // (the default) and the temp folder is writable, a disk round trip for bytes already in memory.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = reader(in, header.mediaType(), field);
            try {
                reader.setInput(in, true, true);
                if ((long) reader.getWidth(0) * reader.getHeight(0) > maxPixels) {
                    throw new InvalidInputException("image_too_large", field, "image exceeds " + maxPixels + " pixels");
                }
                return Canvas.rgb(reader.read(0));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidInputException invalid) {
                throw invalid;
            }
            throw new InvalidInputException("image_invalid", field, "cannot decode " + header.mediaType() + ": " + e.getMessage());
        }
    }

    private static ImageReader reader(ImageInputStream in, String mediaType, String field) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(mediaType);
        if (!readers.hasNext()) {
            // Plugins on the application class path (the WebP reader) register on a rescan.
            ImageIO.scanForPlugins();
            readers = ImageIO.getImageReadersByMIMEType(mediaType);
        }
        if (!readers.hasNext()) {
            throw new InvalidInputException("image_invalid", field, "no decoder for " + mediaType);
        }
        return readers.next();
    }

    /**
     * PNG bytes of {@code image} with each entry of {@code text} as a text chunk (keyword → value; see
     * {@link PngEncoder}: {@code tEXt}, or UTF-8 {@code iTXt} for a value beyond Latin-1).
     */
    public static byte[] png(BufferedImage image, Map<String, String> text) {
        return PngEncoder.encode(image, text);
    }

    /** JPEG bytes of {@code image} scaled down (never up) to fit {@code maxSide}. */
    public static byte[] jpeg(BufferedImage image, int maxSide, float quality) {
        double scale = Math.min(1.0, (double) maxSide / Math.max(image.getWidth(), image.getHeight()));
        BufferedImage scaled = Canvas.resize(image, Math.max(1, (int) Math.round(image.getWidth() * scale)),
                Math.max(1, (int) Math.round(image.getHeight() * scale)));
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        return write(writer, param, new IIOImage(scaled, null, null));
    }

    /** Encodes with {@code writer} into memory and disposes of it. */
    private static byte[] write(ImageWriter writer, ImageWriteParam param, IIOImage image) {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, image, param);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }
}
