package dev.easel.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import org.junit.jupiter.api.Test;
import org.w3c.dom.NodeList;

/** PNGs read back by ImageIO's own reader: every pixel, and every text entry in the chunk type it needs. */
class PngEncoderTest {

    private static BufferedImage noisyGradient(int width, int height, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        Random random = new Random(7);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = (x * 255 / width + random.nextInt(9)) & 0xff;
                int g = (y * 255 / height + random.nextInt(9)) & 0xff;
                int b = random.nextInt(256);
                image.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return image;
    }

    private static ImageReader reader(byte[] png) throws IOException {
        ImageReader reader = ImageIO.getImageReadersByFormatName("png").next();
        reader.setInput(ImageIO.createImageInputStream(new ByteArrayInputStream(png)));
        return reader;
    }

    private static void assertSamePixels(BufferedImage expected, BufferedImage actual) {
        assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
        assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                assertThat(actual.getRGB(x, y) & 0xffffff).as("pixel %d,%d", x, y).isEqualTo(expected.getRGB(x, y) & 0xffffff);
            }
        }
    }

    @Test
    void everyPixelSurvivesWhateverTheImageType() throws IOException {
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_ARGB}) {
            BufferedImage image = noisyGradient(37, 23, type);
            assertSamePixels(image, ImageIO.read(new ByteArrayInputStream(PngEncoder.encode(image, Map.of()))));
        }
    }

    @Test
    void aSubimageIsWrittenAsItsOwnPixels() throws IOException {
        BufferedImage whole = noisyGradient(40, 30, BufferedImage.TYPE_INT_RGB);
        BufferedImage part = whole.getSubimage(5, 7, 20, 10);
        assertSamePixels(part, ImageIO.read(new ByteArrayInputStream(PngEncoder.encode(part, Map.of()))));
    }

    @Test
    void latin1TextGoesInTextChunksAndAnythingElseInUtf8InternationalTextChunks() throws IOException {
        Map<String, String> text = new LinkedHashMap<>();
        text.put("parameters", "{\"prompt\":\"一个蓝色的正方形，白色背景\",\"seed\":7}");
        text.put("model", "tiny-shapes@3");
        text.put("Comment", "café");
        IIOMetadataNode root = (IIOMetadataNode) reader(PngEncoder.encode(noisyGradient(8, 8, BufferedImage.TYPE_INT_RGB), text))
                .getImageMetadata(0).getAsTree("javax_imageio_png_1.0");

        Map<String, String> latin1 = entries(root.getElementsByTagName("tEXtEntry"), "value");
        Map<String, String> international = entries(root.getElementsByTagName("iTXtEntry"), "text");
        assertThat(latin1).containsExactly(Map.entry("model", "tiny-shapes@3"), Map.entry("Comment", "café"));
        assertThat(international).containsExactly(Map.entry("parameters", text.get("parameters")));
        IIOMetadataNode itxt = (IIOMetadataNode) root.getElementsByTagName("iTXtEntry").item(0);
        assertThat(itxt.getAttribute("compressionFlag")).isIn("FALSE", "false");
    }

    @Test
    void aKeywordPngDoesNotAllowIsRefused() {
        BufferedImage image = noisyGradient(4, 4, BufferedImage.TYPE_INT_RGB);
        assertThatThrownBy(() -> PngEncoder.encode(image, Map.of("", "x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PngEncoder.encode(image, Map.of("k".repeat(80), "x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PngEncoder.encode(image, Map.of("参数", "x"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void paethPicksTheNeighbourClosestToTheGradientEstimate() {
        assertThat(PngEncoder.paeth(10, 20, 10)).isEqualTo(20); // estimate 20: up
        assertThat(PngEncoder.paeth(20, 10, 10)).isEqualTo(20); // estimate 20: left
        assertThat(PngEncoder.paeth(10, 10, 30)).isEqualTo(10); // estimate -10: left and up tie, left wins
        assertThat(PngEncoder.paeth(50, 60, 55)).isEqualTo(55); // estimate 55: upper-left
    }

    private static Map<String, String> entries(NodeList nodes, String valueAttribute) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            IIOMetadataNode entry = (IIOMetadataNode) nodes.item(i);
            out.put(entry.getAttribute("keyword"), entry.getAttribute(valueAttribute));
        }
        return out;
    }
}
