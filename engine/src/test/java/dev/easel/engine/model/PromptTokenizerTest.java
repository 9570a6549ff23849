package dev.easel.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.engine.TinyShapes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Hugging Face tokenizer on the bundled tokenizer.json gives the ids the model was trained with. */
class PromptTokenizerTest {

    private static PromptTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = PromptTokenizer.load(TinyShapes.root().resolve("tokenizer"), 32);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    static Stream<Arguments> cases() throws IOException {
        JsonNode fixture = new ObjectMapper().readTree(TinyShapes.fixtures().resolve("tokens.json").toFile());
        List<Arguments> cases = new ArrayList<>();
        for (JsonNode c : fixture.get("cases")) {
            long[] ids = new long[c.get("input_ids").size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = c.get("input_ids").get(i).asLong();
            }
            cases.add(Arguments.of(c.get("text").asText(), ids));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    void encodesLikeTheTrainingTokenizer(String text, long[] expected) {
        assertThat(tokenizer.encode(text)).containsExactly(expected);
    }
}
