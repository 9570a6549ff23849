package dev.easel.gateway.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.platform.storage.StorageConfig;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

@QuarkusTest
class StorageRoundTripIT {

    @Inject
    S3Client s3;

    @Inject
    StorageConfig storage;

    @Test
    void putsGetsAndDeletesAnObject() {
        String key = "it/" + UUID.randomUUID() + ".txt";
        byte[] body = ("easel " + key).getBytes(StandardCharsets.UTF_8);

        s3.putObject(b -> b.bucket(storage.bucket()).key(key).contentType("text/plain"), RequestBody.fromBytes(body));
        var stored = s3.getObjectAsBytes(b -> b.bucket(storage.bucket()).key(key));
        assertThat(stored.asByteArray()).isEqualTo(body);
        assertThat(stored.response().contentType()).isEqualTo("text/plain");

        s3.deleteObject(b -> b.bucket(storage.bucket()).key(key));
        assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket(storage.bucket()).key(key)))
                .isInstanceOf(NoSuchKeyException.class);
    }
}
