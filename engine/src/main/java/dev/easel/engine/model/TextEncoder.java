package dev.easel.engine.model;

import dev.easel.engine.EngineException;
import dev.easel.engine.Timings;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code text_encoder/model.onnx} ({@code input_ids} → {@code last_hidden_state}) over a batch of prompts,
 * and gives a prompt's pooled embedding ({@code pooler_output}) where the export has one.
 */
public final class TextEncoder implements AutoCloseable {

    private static final String POOLED = "pooler_output";

    private final OnnxComponent component;
    private final PromptTokenizer tokenizer;
    private final String output;
    private final boolean pooled;

    TextEncoder(OnnxComponent component, PromptTokenizer tokenizer) {
        this.component = component;
        this.tokenizer = tokenizer;
        component.input("input_ids");
        this.output = component.output("last_hidden_state");
        this.pooled = component.session().getOutputNames().contains(POOLED);
    }

    /** Whether the export has a pooled prompt embedding ({@code pooler_output}; Optimum's CLIP exports do). */
    public boolean hasEmbedding() {
        return pooled;
    }

    /**
     * The prompt's pooled embedding, scaled to unit length so that the dot product of two is their cosine. For
     * tiny-shapes it is a head trained to place prompts of the same meaning together
     * ({@code models/training/train_prompt_embedding.py}); for a CLIP export, CLIP's pooled state.
     */
    public float[] embed(String prompt, Timings timings) {
        if (!pooled) {
            throw new EngineException("model_invalid", "the text encoder has no '" + POOLED + "' output", false, null);
        }
        int tokens = tokenizer.maxLength();
        float[] v = component.run(Map.of("input_ids", component.integers("input_ids", tokenizer.encode(prompt), 1, tokens)),
                POOLED, timings, Timings.Stage.ENCODING);
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float scale = norm == 0 ? 0 : (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < v.length; i++) {
            v[i] *= scale;
        }
        return v;
    }

    /** The encoder's input for {@code prompt}: its token ids, padded to the encoder's length. */
    public long[] tokens(String prompt) {
        return tokenizer.encode(prompt);
    }

    /** Hidden states of each prompt, concatenated: {@code [prompts, tokens, hidden]} flattened. */
    public Encoded encode(List<String> prompts, Timings timings) {
        return encodeTokens(prompts.stream().map(this::tokens).toList(), timings);
    }

    /** Hidden states of each prompt given as its {@link #tokens(String) token ids}, concatenated. */
    public Encoded encodeTokens(List<long[]> prompts, Timings timings) {
        int tokens = tokenizer.maxLength();
        long[] ids = new long[prompts.size() * tokens];
        for (int i = 0; i < prompts.size(); i++) {
            System.arraycopy(prompts.get(i), 0, ids, i * tokens, tokens);
        }
        float[] states = component.run(Map.of("input_ids", component.integers("input_ids", ids, prompts.size(), tokens)),
                output, timings, Timings.Stage.ENCODING);
        return new Encoded(states, prompts.size(), tokens, states.length / (prompts.size() * tokens));
    }

    @Override
    public void close() {
        component.close();
        tokenizer.close();
    }

    /** Encoder output for a batch of prompts. */
    public record Encoded(float[] states, int batch, int tokens, int hidden) {

        /** The same states with each prompt's rows repeated {@code times} times in place (p0,p0,p1,p1…). */
        public Encoded repeatEach(int times) {
            int row = tokens * hidden;
            float[] out = new float[states.length * times];
            for (int b = 0; b < batch; b++) {
                for (int r = 0; r < times; r++) {
                    System.arraycopy(states, b * row, out, (b * times + r) * row, row);
                }
            }
            return new Encoded(out, batch * times, tokens, hidden);
        }

        /** One prompt's states, as a batch of one. */
        public Encoded row(int index) {
            int row = tokens * hidden;
            float[] out = new float[row];
            System.arraycopy(states, index * row, out, 0, row);
            return new Encoded(out, 1, tokens, hidden);
        }

        /** This batch followed by {@code other}'s. */
        public Encoded concat(Encoded other) {
            float[] out = new float[states.length + other.states.length];
            System.arraycopy(states, 0, out, 0, states.length);
            System.arraycopy(other.states, 0, out, states.length, other.states.length);
            return new Encoded(out, batch + other.batch, tokens, hidden);
        }
    }
}
