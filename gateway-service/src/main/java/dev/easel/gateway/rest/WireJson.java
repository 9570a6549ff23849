package dev.easel.gateway.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.common.json.JsonCodec;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/** The REST layer speaks the same JSON as Kafka: the wire settings of {@link JsonCodec}. */
@Singleton
public class WireJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        JsonCodec.configure(mapper);
    }
}
