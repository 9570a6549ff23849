package dev.easel.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker is only worth trusting if it reads every ground-truth scene right, as the Python one does. */
class AdherenceCheckTest {

    @Test
    void readsEveryGroundTruthSceneRight() {
        List<String> wrong = new ArrayList<>();
        int scenes = 0;
        for (String colour : AdherenceCheck.OBJECT.keySet()) {
            for (String background : AdherenceCheck.BACKGROUND.keySet()) {
                for (String shape : AdherenceCheck.SHAPES) {
                    for (String size : AdherenceCheck.SIZES.keySet()) {
                        for (String position : AdherenceCheck.POSITIONS.keySet()) {
                            var expected = new AdherenceCheck.Verdict(background, colour, shape, size, position);
                            var seen = AdherenceCheck.classify(AdherenceCheck.render(colour, background, shape, size, position));
                            scenes++;
                            if (!seen.equals(expected)) {
                                wrong.add(expected + " read as " + seen);
                            }
                        }
                    }
                }
            }
        }
        assertThat(scenes).isEqualTo(8 * 3 * 4 * 2 * 5);
        assertThat(wrong).isEmpty();
    }

    @Test
    void anEmptyCanvasHasOnlyABackground() {
        BufferedImage blank = AdherenceCheck.render("red", "gray", "circle", "small", "center");
        for (int y = 0; y < AdherenceCheck.SIZE; y++) {
            for (int x = 0; x < AdherenceCheck.SIZE; x++) {
                blank.setRGB(x, y, (128 << 16) | (128 << 8) | 128);
            }
        }
        assertThat(AdherenceCheck.classify(blank)).isEqualTo(new AdherenceCheck.Verdict("gray", null, null, null, null));
    }

    @Test
    void aLargerCanvasIsReadAtTheModelsSize() {
        BufferedImage scene = AdherenceCheck.render("blue", "white", "triangle", "large", "left");
        BufferedImage big = new BufferedImage(128, 128, BufferedImage.TYPE_INT_RGB);
        big.getGraphics().drawImage(scene, 0, 0, 128, 128, null);
        assertThat(AdherenceCheck.classify(big))
                .isEqualTo(new AdherenceCheck.Verdict("white", "blue", "triangle", "large", "left"));
    }
}
