package dev.easel.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JsonCodecTest {

    record Sample(String jobId, Instant createdAt, Long missingValue) {
    }

    @Test
    void writesSnakeCaseIsoInstantsAndNoNulls() {
        byte[] json = JsonCodec.encode(new Sample("j", Instant.parse("2025-01-02T03:04:05Z"), null));
        assertThat(new String(json, StandardCharsets.UTF_8))
                .isEqualTo("{\"job_id\":\"j\",\"created_at\":\"2025-01-02T03:04:05Z\"}");
    }

    @Test
    void readsWhatItWritesAndIgnoresUnknownFields() {
        byte[] json = "{\"job_id\":\"j\",\"created_at\":\"2025-01-02T03:04:05Z\",\"new_field\":[1]}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(JsonCodec.decode(json, Sample.class))
                .isEqualTo(new Sample("j", Instant.parse("2025-01-02T03:04:05Z"), null));
    }

    @Test
    void refusesDuplicateKeysAndTrailingGarbage() {
        assertThatThrownBy(() -> JsonCodec.decode("{\"job_id\":\"a\",\"job_id\":\"b\"}".getBytes(), Sample.class))
                .isInstanceOf(JsonCodecException.class);
        assertThatThrownBy(() -> JsonCodec.decode("{\"job_id\":\"a\"} {}".getBytes(), JsonNode.class))
                .isInstanceOf(JsonCodecException.class);
    }

    @Test
    void wrapsMalformedJson() {
        assertThatThrownBy(() -> JsonCodec.decode("{not json".getBytes(), Sample.class))
                .isInstanceOf(JsonCodecException.class)
                .hasMessageContaining("Sample");
    }
}
