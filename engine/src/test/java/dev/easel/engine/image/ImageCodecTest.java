package dev.easel.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.engine.InvalidInputException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import org.junit.jupiter.api.Test;
import org.w3c.dom.NodeList;

class ImageCodecTest {

    private static BufferedImage sample() {
        BufferedImage image = new BufferedImage(24, 16, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 24 * 16; i++) {
            image.setRGB(i % 24, i / 24, i * 0x010305);
        }
        return image;
    }

    @Test
    void pngCarriesTheParametersAsTextChunksAndKeepsEveryPixel() throws IOException {
        Map<String, String> text = new LinkedHashMap<>();
        text.put("parameters", "{\"prompt\":\"a red circle\",\"seed\":42}");
        text.put("Software", "Easel");
        byte[] png = ImageCodec.png(sample(), text);

        ImageReader reader = ImageIO.getImageReadersByFormatName("png").next();
        reader.setInput(ImageIO.createImageInputStream(new ByteArrayInputStream(png)));
        IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_png_1.0");
        NodeList entries = root.getElementsByTagName("tEXtEntry");
        Map<String, String> read = new LinkedHashMap<>();
        for (int i = 0; i < entries.getLength(); i++) {
            IIOMetadataNode entry = (IIOMetadataNode) entries.item(i);
            read.put(entry.getAttribute("keyword"), entry.getAttribute("value"));
        }
        assertThat(read).isEqualTo(text);
        BufferedImage back = reader.read(0);
        assertThat(back.getRGB(5, 7)).isEqualTo(sample().getRGB(5, 7));
    }

    @Test
    void jpegThumbnailFitsTheBoundAndIsNeverUpscaled() throws IOException {
        BufferedImage small = ImageIO.read(new ByteArrayInputStream(ImageCodec.jpeg(sample(), 12, 0.8f)));
        assertThat(small.getWidth()).isEqualTo(12);
        assertThat(small.getHeight()).isEqualTo(8);
        BufferedImage same = ImageIO.read(new ByteArrayInputStream(ImageCodec.jpeg(sample(), 256, 0.8f)));
        assertThat(same.getWidth()).isEqualTo(24);
    }

    @Test
    void decodesPngAndJpegInput() throws IOException {
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(sample(), "jpeg", jpeg);
        assertThat(ImageCodec.decode(jpeg.toByteArray(), 1_000_000, "image").getWidth()).isEqualTo(24);
        assertThat(ImageCodec.decode(ImageCodec.png(sample(), Map.of()), 1_000_000, "image").getRGB(3, 3))
                .isEqualTo(sample().getRGB(3, 3));
    }

    @Test
    void refusesADecompressionBombFromItsHeaderAlone() {
        byte[] bomb = pngHeaderOnly(100_000, 100_000);
        assertThatThrownBy(() -> ImageCodec.decode(bomb, 4096L * 4096, "image"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.code()).isEqualTo("image_too_large");
                    assertThat(e.field()).isEqualTo("image");
                });
    }

    @Test
    void refusesCorruptBytesAsInvalid() {
        byte[] png = ImageCodec.png(sample(), Map.of());
        byte[] truncated = Arrays.copyOf(png, png.length / 2);
        assertThatThrownBy(() -> ImageCodec.decode(truncated, 1_000_000, "mask"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.code()).isEqualTo("image_invalid");
                    assertThat(e.field()).isEqualTo("mask");
                });
        assertThatThrownBy(() -> ImageCodec.decode("not an image".getBytes(), 1_000_000, "image"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("image_invalid"));
    }

    /** A PNG signature and IHDR chunk declaring the size, with an empty IDAT and IEND: tiny bytes, huge claim. */
    private static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[0]);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] typeBytes = type.getBytes();
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
