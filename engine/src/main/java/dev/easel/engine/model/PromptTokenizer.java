package dev.easel.engine.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.engine.EngineException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Turns prompts into fixed-length token ids with the package's {@code tokenizer.json}, through the
 * Hugging Face {@code tokenizers} library (DJL's binding). Like CLIP in diffusers, every prompt is
 * truncated and padded to the model's maximum length; the pad token comes from
 * {@code tokenizer_config.json} (CLIP uses its end-of-text token, the bundled model {@code [PAD]}).
 */
public final class PromptTokenizer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;
    private final long padId;

    private PromptTokenizer(HuggingFaceTokenizer tokenizer, int maxLength, long padId) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.padId = padId;
    }

    /**
     * The tokenizer in {@code folder}: its {@code tokenizer.json}, or, when there is none, the CLIP tokenizer that
     * its {@code vocab.json} and {@code merges.txt} describe (see {@link ClipTokenizerJson}).
     */
    public static PromptTokenizer load(Path folder, int maxLength) {
        Path file = folder.resolve("tokenizer.json");
        try {
            byte[] serialised = Files.isRegularFile(file) || !ClipTokenizerJson.applies(folder)
                    ? Files.readAllBytes(file)
                    : ClipTokenizerJson.build(folder, JSON);
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(serialised), Map.of(
                    "maxLength", Integer.toString(maxLength),
                    "truncation", "true",
                    "padding", "false",
                    "addSpecialTokens", "true"));
            return new PromptTokenizer(tokenizer, maxLength, padId(folder, JSON.readTree(serialised)));
        } catch (IOException | RuntimeException e) {
            throw new EngineException("model_invalid", "cannot load tokenizer from " + folder + ": " + e.getMessage(), false, e);
        }
    }

    public int maxLength() {
        return maxLength;
    }

    /** Token ids of {@code prompt}, exactly {@link #maxLength()} long. */
    public long[] encode(String prompt) {
        Encoding encoding = tokenizer.encode(prompt, true, false);
        long[] ids = encoding.getIds();
        long[] padded = Arrays.copyOf(ids, maxLength);
        if (ids.length < maxLength) {
            Arrays.fill(padded, ids.length, maxLength, padId);
        }
        return padded;
    }

    private static long padId(Path folder, JsonNode tokenizerJson) throws IOException {
        String pad = null;
        Path config = folder.resolve("tokenizer_config.json");
        if (Files.isRegularFile(config)) {
            JsonNode padNode = JSON.readTree(config.toFile()).path("pad_token");
            pad = padNode.isTextual() ? padNode.asText() : padNode.path("content").asText(null);
        }
        JsonNode padding = tokenizerJson.path("padding");
        if (pad == null && padding.has("pad_id")) {
            return padding.get("pad_id").asLong();
        }
        if (pad == null) {
            pad = "<|endoftext|>";
        }
        for (JsonNode added : tokenizerJson.path("added_tokens")) {
            if (pad.equals(added.path("content").asText())) {
                return added.path("id").asLong();
            }
        }
        JsonNode vocab = tokenizerJson.path("model").path("vocab");
        if (vocab.has(pad)) {
            return vocab.get(pad).asLong();
        }
        throw new IOException("pad token '" + pad + "' is not in the vocabulary");
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
