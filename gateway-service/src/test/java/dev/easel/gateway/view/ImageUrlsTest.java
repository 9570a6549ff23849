package dev.easel.gateway.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.platform.storage.S3ClientProducer;
import dev.easel.platform.storage.StorageConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

class ImageUrlsTest {

    private static final Duration TTL = Duration.ofHours(1);
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    private final S3Presigner presigner = S3Presigner.builder().region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret")))
            .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
            .endpointOverride(URI.create("http://127.0.0.1:9000")).build();
    private Instant now = T0;
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @AfterEach
    void close() {
        presigner.close();
    }

    @Test
    void aPresignedUrlIsHandedOutAgainUntilHalfItsLifetimeHasPassed() throws InterruptedException {
        ImageUrls urls = new ImageUrls(config(Optional.empty()), presigner, clock);
        String first = urls.of("outputs/job-1/0.png");
        assertThat(first).contains("X-Amz-Signature=").contains("X-Amz-Expires=3600");

        // A second later a fresh signature would differ (X-Amz-Date has second resolution).
        Thread.sleep(1100);
        now = T0.plus(TTL.dividedBy(2)).minusSeconds(1);
        assertThat(urls.of("outputs/job-1/0.png")).isEqualTo(first);
        assertThat(urls.of("outputs/job-1/0_thumb.jpg")).isNotEqualTo(first).contains("0_thumb.jpg");

        now = T0.plus(TTL.dividedBy(2)).plusSeconds(1);
        String renewed = urls.of("outputs/job-1/0.png");
        assertThat(renewed).isNotEqualTo(first).contains("outputs/job-1/0.png");
        assertThat(urls.of("outputs/job-1/0.png")).isEqualTo(renewed);
    }

    @Test
    void aPublicBaseUrlIsUsedAsIs() {
        ImageUrls urls = new ImageUrls(config(Optional.of("https://cdn.example.com/easel/")), presigner, clock);
        assertThat(urls.of("outputs/job-1/0.png")).isEqualTo("https://cdn.example.com/easel/outputs/job-1/0.png");
        assertThat(urls.of(null)).isNull();
    }

    @Test
    void presignedUrlsNameThePresignEndpointWhenOneIsConfigured() {
        StorageConfig inside = config(Optional.empty(), Optional.empty());
        StorageConfig forClients = config(Optional.empty(), Optional.of(URI.create("http://localhost:9000")));
        try (S3Presigner internal = new S3ClientProducer().presigner(inside);
             S3Presigner external = new S3ClientProducer().presigner(forClients)) {
            assertThat(new ImageUrls(inside, internal, clock).of("outputs/job-1/0.png"))
                    .startsWith("http://127.0.0.1:9000/easel/outputs/job-1/0.png?");
            assertThat(new ImageUrls(forClients, external, clock).of("outputs/job-1/0.png"))
                    .startsWith("http://localhost:9000/easel/outputs/job-1/0.png?").contains("X-Amz-Signature=");
        }
    }

    private static StorageConfig config(Optional<String> publicBase) {
        return config(publicBase, Optional.empty());
    }

    private static StorageConfig config(Optional<String> publicBase, Optional<URI> presignEndpoint) {
        return new StorageConfig() {
            @Override
            public Optional<URI> endpoint() {
                return Optional.of(URI.create("http://127.0.0.1:9000"));
            }

            @Override
            public String region() {
                return "us-east-1";
            }

            @Override
            public String bucket() {
                return "easel";
            }

            @Override
            public Optional<String> accessKeyId() {
                return Optional.of("key");
            }

            @Override
            public Optional<String> secretAccessKey() {
                return Optional.of("secret");
            }

            @Override
            public Optional<URI> presignEndpoint() {
                return presignEndpoint;
            }

            @Override
            public boolean pathStyle() {
                return true;
            }

            @Override
            public Optional<String> publicBaseUrl() {
                return publicBase;
            }

            @Override
            public Duration presignTtl() {
                return TTL;
            }

            @Override
            public Duration callTimeout() {
                return Duration.ofSeconds(10);
            }
        };
    }
}
