package dev.easel.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.engine.TinyShapes;
import dev.easel.engine.Timings;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptEncodingsTest {

    private final TextEncoder encoder = TinyShapes.model().textEncoder();

    @Test
    void aPromptSeenBeforeSkipsTheEncoderAndGivesTheSameStates() {
        PromptEncodings prompts = new PromptEncodings(encoder, 8);
        Timings first = new Timings();
        TextEncoder.Encoded cold = batch(prompts.encode(List.of("", "a red circle"), first));
        assertThat(first.sessionMs(Timings.Stage.ENCODING)).isPositive();

        Timings second = new Timings();
        TextEncoder.Encoded warm = batch(prompts.encode(List.of("", "A  Red Circle"), second));
        assertThat(second.sessionMs(Timings.Stage.ENCODING)).as("the tokenizer folds case and spacing: no encoder run").isZero();
        assertThat(warm.states()).containsExactly(cold.states());
        assertThat(warm.batch()).isEqualTo(2);
        assertThat(prompts.hits()).isEqualTo(2);
        assertThat(prompts.misses()).isEqualTo(2);

        TextEncoder.Encoded direct = encoder.encode(List.of("", "a red circle"), new Timings());
        assertThat(cold.states()).containsExactly(direct.states());
    }

    @Test
    void promptsTheEncoderTellsApartNeverShareAnEntry() {
        // The result cache calls these the same prompt (trailing punctuation), but the period is a token.
        assertThat(encoder.tokens("a red circle.")).isNotEqualTo(encoder.tokens("a red circle"));
        PromptEncodings prompts = new PromptEncodings(encoder, 8);
        prompts.encode(List.of("a red circle"), new Timings());

        Timings again = new Timings();
        TextEncoder.Encoded cached = prompts.encode(List.of("a red circle."), again).getFirst();
        assertThat(again.sessionMs(Timings.Stage.ENCODING)).as("a different encoder input is encoded").isPositive();
        assertThat(cached.states()).containsExactly(encoder.encode(List.of("a red circle."), new Timings()).states());
    }

    @Test
    void onlyTheNewPromptsOfABatchAreEncodedAndTheOrderIsKept() {
        PromptEncodings prompts = new PromptEncodings(encoder, 8);
        prompts.encode(List.of("a blue square"), new Timings());
        TextEncoder.Encoded mixed = batch(prompts.encode(List.of("a green star", "a blue square", "a green star"), new Timings()));
        TextEncoder.Encoded direct = encoder.encode(List.of("a green star", "a blue square", "a green star"), new Timings());
        assertThat(mixed.states()).containsExactly(direct.states());
        assertThat(prompts.misses()).as("blue square once, green star once").isEqualTo(2);
        assertThat(prompts.hits()).as("blue square from the cache, the second green star from the first").isEqualTo(2);
    }

    @Test
    void theLeastRecentlyUsedPromptLeavesFirst() {
        PromptEncodings prompts = new PromptEncodings(encoder, 2);
        prompts.encode(List.of("a red circle"), new Timings());
        prompts.encode(List.of("a blue square"), new Timings());
        prompts.encode(List.of("a red circle"), new Timings());
        prompts.encode(List.of("a green star"), new Timings());
        long misses = prompts.misses();
        prompts.encode(List.of("a red circle"), new Timings());
        assertThat(prompts.misses()).as("the circle was used after the square, so the square left").isEqualTo(misses);
        prompts.encode(List.of("a blue square"), new Timings());
        assertThat(prompts.misses()).isEqualTo(misses + 1);
    }

    @Test
    void capacityZeroAlwaysEncodes() {
        PromptEncodings prompts = new PromptEncodings(encoder, 0);
        prompts.encode(List.of("a red circle"), new Timings());
        Timings again = new Timings();
        prompts.encode(List.of("a red circle"), again);
        assertThat(again.sessionMs(Timings.Stage.ENCODING)).isPositive();
        assertThat(prompts.hits()).isZero();
    }

    /** The rows as one batch, to compare with the encoder's own batch output. */
    private static TextEncoder.Encoded batch(List<TextEncoder.Encoded> rows) {
        TextEncoder.Encoded all = rows.getFirst();
        for (TextEncoder.Encoded row : rows.subList(1, rows.size())) {
            all = all.concat(row);
        }
        return all;
    }
}
