package dev.easel.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code tokenizer.json} of a CLIP tokenizer saved only as {@code vocab.json} + {@code merges.txt} (what a slow
 * {@code CLIPTokenizer} writes, so what most Stable Diffusion exports carry): the same pipeline transformers'
 * {@code CLIPConverter} builds for the Hugging Face tokenizers library — NFC, whitespace runs to one space and
 * lowercase; CLIP's regex split and byte-level pre-tokenization; BPE with {@code </w>} word ends; BOS/EOS around
 * the text.
 */
final class ClipTokenizerJson {

    // openai/CLIP simple_tokenizer.py's pattern, without the special tokens (the library matches added tokens itself).
    private static final String CLIP_SPLIT = "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

    private ClipTokenizerJson() {
    }

    /** Whether {@code folder} holds a CLIP tokenizer in the slow format. */
    static boolean applies(Path folder) {
        return Files.isRegularFile(folder.resolve("vocab.json")) && Files.isRegularFile(folder.resolve("merges.txt"));
    }

    static byte[] build(Path folder, ObjectMapper json) throws IOException {
        JsonNode vocab = json.readTree(folder.resolve("vocab.json").toFile());
        JsonNode config = Files.isRegularFile(folder.resolve("tokenizer_config.json"))
                ? json.readTree(folder.resolve("tokenizer_config.json").toFile())
                : json.createObjectNode();
        String bos = token(config, "bos_token", "<|startoftext|>");
        String eos = token(config, "eos_token", "<|endoftext|>");
        String unk = token(config, "unk_token", "<|endoftext|>");

        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (String special : new String[] {bos, eos}) {
            added.addObject().put("id", id(vocab, special)).put("content", special).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", true).put("special", true);
        }
        ArrayNode normalizers = root.putObject("normalizer").put("type", "Sequence").putArray("normalizers");
        normalizers.addObject().put("type", "NFC");
        ObjectNode whitespace = normalizers.addObject().put("type", "Replace").put("content", " ");
        whitespace.putObject("pattern").put("Regex", "\\s+");
        normalizers.addObject().put("type", "Lowercase");
        ArrayNode pre = root.putObject("pre_tokenizer").put("type", "Sequence").putArray("pretokenizers");
        ObjectNode split = pre.addObject().put("type", "Split").put("behavior", "Removed").put("invert", true);
        split.putObject("pattern").put("Regex", CLIP_SPLIT);
        pre.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", false);
        ObjectNode post = root.putObject("post_processor").put("type", "RobertaProcessing").put("trim_offsets", false).put("add_prefix_space", false);
        post.putArray("sep").add(eos).add(id(vocab, eos));
        post.putArray("cls").add(bos).add(id(vocab, bos));
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = root.putObject("model").put("type", "BPE").putNull("dropout").put("unk_token", unk)
                .put("continuing_subword_prefix", "").put("end_of_word_suffix", "</w>").put("fuse_unk", false).put("byte_fallback", false);
        model.set("vocab", vocab);
        ArrayNode merges = model.putArray("merges");
        for (String line : Files.readAllLines(folder.resolve("merges.txt"), StandardCharsets.UTF_8)) {
            if (!line.isBlank() && !line.startsWith("#version")) {
                merges.add(line.strip());
            }
        }
        return json.writeValueAsBytes(root);
    }

    private static String token(JsonNode config, String field, String fallback) {
        JsonNode node = config.path(field);
        return node.isTextual() ? node.asText() : node.path("content").asText(fallback);
    }

    private static int id(JsonNode vocab, String token) throws IOException {
        if (!vocab.has(token)) {
            throw new IOException("special token '" + token + "' is not in vocab.json");
        }
        return vocab.get(token).asInt();
    }
}
