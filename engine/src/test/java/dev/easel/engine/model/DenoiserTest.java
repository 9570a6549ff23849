package dev.easel.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.easel.engine.Timings;
import dev.easel.engine.TinyShapes;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DenoiserTest {

    private static final int CHANNELS = 4;
    private static final int SIDE = 8;

    private static float[] latents(long seed) {
        Random random = new Random(seed);
        float[] values = new float[CHANNELS * SIDE * SIDE];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static TextEncoder.Encoded encode(String... prompts) {
        return TinyShapes.model().textEncoder().encode(List.of(prompts), new Timings());
    }

    @Test
    void aBindingGivesTheSameOutputForTheSameStepWhateverRanBefore() {
        Denoiser denoiser = TinyShapes.model().denoiser();
        float[] first;
        float[] other;
        float[] again;
        try (Denoiser.Bound unet = denoiser.bind(1, CHANNELS, CHANNELS, SIDE, SIDE, encode("", "a red circle"), 5.0)) {
            first = unet.predict(latents(1), 500f, new Timings());
            other = unet.predict(latents(2), 100f, new Timings());
            again = unet.predict(latents(1), 500f, new Timings());
        }
        assertThat(other).isNotEqualTo(first);
        assertThat(again).isEqualTo(first);
    }

    @Test
    void guidanceZeroGivesTheUnconditionalRowsWhichComeFirst() {
        Denoiser denoiser = TinyShapes.model().denoiser();
        float[] guided;
        float[] unconditional;
        float[] conditional;
        try (Denoiser.Bound unet = denoiser.bind(1, CHANNELS, CHANNELS, SIDE, SIDE, encode("a blue square", "a red circle"), 0.0)) {
            guided = unet.predict(latents(3), 700f, new Timings());
        }
        try (Denoiser.Bound unet = denoiser.bind(1, CHANNELS, CHANNELS, SIDE, SIDE, encode("a blue square"), 0.0)) {
            unconditional = unet.predict(latents(3), 700f, new Timings());
        }
        try (Denoiser.Bound unet = denoiser.bind(1, CHANNELS, CHANNELS, SIDE, SIDE, encode("a red circle"), 0.0)) {
            conditional = unet.predict(latents(3), 700f, new Timings());
        }
        assertThat(conditional).isNotEqualTo(unconditional);
        for (int i = 0; i < guided.length; i++) {
            assertThat(guided[i]).as("value %d", i).isCloseTo(unconditional[i], within(1e-5f));
        }
    }

    @Test
    void everyStepIsTimedAsOneDenoiserCall() {
        Timings timings = new Timings();
        try (Denoiser.Bound unet = TinyShapes.model().denoiser().bind(1, CHANNELS, CHANNELS, SIDE, SIDE, encode("a red circle"), 1.0)) {
            unet.predict(latents(4), 999f, timings);
            unet.predict(latents(4), 500f, timings);
        }
        assertThat(timings.denoiserCalls()).isEqualTo(2);
        assertThat(timings.sessionMs(Timings.Stage.DENOISING)).isPositive();
    }
}
