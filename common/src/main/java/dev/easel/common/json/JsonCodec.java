package dev.easel.common.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;

/** The one JSON configuration of the wire contract: snake_case, ISO-8601 instants, nulls left out. */
public final class JsonCodec {

    private static final ObjectMapper MAPPER = newMapper();

    private JsonCodec() {
    }

    private static ObjectMapper newMapper() {
        var mapper = new ObjectMapper();
        configure(mapper);
        return mapper;
    }

    /** The shared, configured mapper; thread-safe, and not to be reconfigured. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Applies the wire settings to a mapper someone else owns, such as the one a Quarkus app injects. */
    public static void configure(ObjectMapper mapper) {
        mapper.registerModule(new JavaTimeModule());
        mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        mapper.setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);
        mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        mapper.disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
        // Readers ignore fields they do not know, so producers can add fields before consumers upgrade.
        mapper.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        // A body with trailing garbage or a repeated key is malformed; taking the last value would hide that.
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    public static byte[] encode(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new JsonCodecException("cannot encode " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /**
     * @throws JsonCodecException when the bytes are not JSON of that type, including an event type this
     *     version does not know; consumers should skip such records rather than stop on them
     */
    public static <T> T decode(byte[] json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new JsonCodecException("cannot decode " + type.getSimpleName() + " from JSON: " + e.getMessage(), e);
        }
    }
}
