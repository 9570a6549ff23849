package dev.easel.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.engine.InvalidInputException;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class CanvasTest {

    private static BufferedImage gradient(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, (x * 17 % 256) << 16 | (y * 29 % 256) << 8 | ((x + y) * 7 % 256));
            }
        }
        return image;
    }

    @Test
    void tensorRoundTripIsLossless() {
        BufferedImage image = gradient(16, 8);
        float[] tensor = Canvas.toTensor(image);
        assertThat(tensor).hasSize(3 * 16 * 8);
        assertThat(tensor[0]).isEqualTo(-1f);
        BufferedImage back = Canvas.fromTensor(tensor, 0, 16, 8);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 16; x++) {
                assertThat(back.getRGB(x, y)).isEqualTo(image.getRGB(x, y));
            }
        }
    }

    @Test
    void fromTensorClipsOutOfRangeValues() {
        float[] tensor = {3f, -3f, 0f};
        BufferedImage image = Canvas.fromTensor(tensor, 0, 1, 1);
        assertThat(image.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFF0080);
    }

    @Test
    void extendRepeatsEdgePixelsAroundTheOriginal() {
        BufferedImage image = gradient(4, 4);
        BufferedImage grown = Canvas.extend(image, 2, 0, 0, 3);
        assertThat(grown.getWidth()).isEqualTo(6);
        assertThat(grown.getHeight()).isEqualTo(7);
        assertThat(grown.getRGB(0, 1)).isEqualTo(image.getRGB(0, 1));
        assertThat(grown.getRGB(3, 2)).isEqualTo(image.getRGB(1, 2));
        assertThat(grown.getRGB(5, 6)).isEqualTo(image.getRGB(3, 3));
    }

    @Test
    void aCanvasGrowsToAsManyPixelsAsAnInputMayHaveAndNoFurther() {
        BufferedImage dot = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        int side = (int) Math.sqrt(Canvas.MAX_PIXELS);
        assertThat(Canvas.extend(dot, 0, side - 1, 0, side - 1).getWidth()).isEqualTo(side);
        assertThatThrownBy(() -> Canvas.extend(dot, 0, side - 1, 0, side))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("image_too_large"));
        assertThatThrownBy(() -> Canvas.extend(dot, 0, Integer.MAX_VALUE, 0, Integer.MAX_VALUE))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void cropCopiesTheArea() {
        BufferedImage image = gradient(10, 10);
        BufferedImage crop = Canvas.crop(image, new Rectangle(3, 4, 2, 5));
        assertThat(crop.getWidth()).isEqualTo(2);
        assertThat(crop.getRGB(1, 4)).isEqualTo(image.getRGB(4, 8));
    }
}
