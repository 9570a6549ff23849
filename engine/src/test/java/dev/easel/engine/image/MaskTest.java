package dev.easel.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class MaskTest {

    private static Mask square(int size, Rectangle area) {
        float[] values = new float[size * size];
        for (int y = area.y; y < area.y + area.height; y++) {
            for (int x = area.x; x < area.x + area.width; x++) {
                values[y * size + x] = 1f;
            }
        }
        return new Mask(values, size, size);
    }

    @Test
    void thresholdsAnUploadedMaskAtMidGrey() {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0x808080);
        image.setRGB(1, 0, 0x7F7F7F);
        assertThat(Mask.fromImage(image).values()).containsExactly(1f, 0f);
    }

    @Test
    void boundsEncloseEveryMaskedPixel() {
        assertThat(square(32, new Rectangle(5, 7, 10, 3)).bounds()).isEqualTo(new Rectangle(5, 7, 10, 3));
        assertThat(new Mask(new float[16], 4, 4).bounds().isEmpty()).isTrue();
    }

    @Test
    void featherFallsOffLinearlyWithEuclideanDistanceAndIsZeroBeyondTheRadius() {
        Mask feathered = square(40, new Rectangle(10, 10, 10, 10)).feather(4);
        float[] v = feathered.values();
        assertThat(v[15 * 40 + 15]).isEqualTo(1f);
        assertThat(v[15 * 40 + 21]).isCloseTo(1f - 2f / 4f, within(1e-6f)); // two columns right of the edge
        assertThat(v[15 * 40 + 23]).isCloseTo(1f - 4f / 4f + 0f, within(1e-6f)); // at the radius: zero
        assertThat(v[21 * 40 + 21]).isCloseTo((float) (1 - Math.sqrt(8) / 4), within(1e-5f)); // diagonal (2,2) from the corner
        assertThat(v[22 * 40 + 22]).isZero(); // diagonal (3,3): beyond the radius
        assertThat(v[15 * 40 + 24]).isZero();
        assertThat(v[0]).isZero();
    }

    @Test
    void latentGridMarksEveryCellThatTouchesTheMask() {
        float[] grid = square(16, new Rectangle(7, 0, 2, 1)).toLatentGrid(8);
        assertThat(grid).containsExactly(1f, 1f, 0f, 0f);
    }

    @Test
    void compositeLeavesPixelsOutsideTheMaskByteIdentical() {
        BufferedImage base = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        BufferedImage generated = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 64; i++) {
            base.setRGB(i % 8, i / 8, 0x010203 * i);
        }
        for (int i = 0; i < 16; i++) {
            generated.setRGB(i % 4, i / 4, 0xFFFFFF);
        }
        float[] values = new float[16];
        values[5] = 1f;
        values[6] = 0.5f;
        BufferedImage out = new Mask(values, 4, 4).composite(base, generated, 2, 2);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                int local = (y - 2) * 4 + (x - 2);
                boolean inside = x >= 2 && x < 6 && y >= 2 && y < 6 && values[local] > 0f;
                if (!inside) {
                    assertThat(out.getRGB(x, y)).as("pixel %d,%d", x, y).isEqualTo(base.getRGB(x, y));
                }
            }
        }
        assertThat(out.getRGB(3, 3) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        int half = out.getRGB(4, 3);
        int baseRed = (base.getRGB(4, 3) >> 16) & 0xFF;
        assertThat((half >> 16) & 0xFF).isEqualTo(Math.round(baseRed * 0.5f + 255 * 0.5f));
    }
}
