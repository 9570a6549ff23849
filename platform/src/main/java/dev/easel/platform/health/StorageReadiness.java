package dev.easel.platform.health;

import dev.easel.platform.storage.StorageConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/** Ready when the configured bucket exists and our credentials may use it. */
@Readiness
@ApplicationScoped
public class StorageReadiness implements HealthCheck {

    private final S3Client s3;
    private final StorageConfig storage;
    private final HealthConfig config;

    StorageReadiness(S3Client s3, StorageConfig storage, HealthConfig config) {
        this.s3 = s3;
        this.storage = storage;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("storage").withData("bucket", storage.bucket());
        try {
            s3.headBucket(b -> b.bucket(storage.bucket())
                    .overrideConfiguration(o -> o.apiCallTimeout(config.timeout())));
            return response.up().build();
        } catch (SdkException e) {
            return Probes.down(response, e);
        }
    }
}
