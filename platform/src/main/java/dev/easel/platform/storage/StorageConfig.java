package dev.easel.platform.storage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** Where images live: an S3 bucket, or any S3-compatible server (S3Proxy locally, MinIO, Ceph). */
@ConfigMapping(prefix = "easel.storage")
public interface StorageConfig {

    /** S3 endpoint; empty means AWS's regional endpoint. */
    Optional<URI> endpoint();

    /** Region used for request signing. */
    @WithDefault("us-east-1")
    String region();

    /** Bucket holding outputs, thumbnails, previews and uploads. */
    @WithDefault("easel")
    String bucket();

    /** Static access key id; empty means the AWS default credential chain (IRSA, instance profile, env). */
    Optional<String> accessKeyId();

    /** Static secret access key, used together with {@link #accessKeyId()}. */
    Optional<String> secretAccessKey();

    /**
     * The S3 endpoint presigned image URLs name, when clients reach the storage at another address than the
     * services do (compose: {@code http://localhost:9000} for the host, {@code http://minio:9000} inside); empty:
     * {@link #endpoint()}. The signature covers the host, so a URL signed for one address is refused at another.
     */
    Optional<URI> presignEndpoint();

    /** Path-style addressing ({@code endpoint/bucket/key}), which S3Proxy and MinIO need. */
    @WithDefault("true")
    boolean pathStyle();

    /**
     * Base URL of a CDN or public endpoint in front of the bucket; image URLs are then this plus the key.
     * Empty means presigned GET URLs.
     */
    Optional<String> publicBaseUrl();

    /** Lifetime of presigned image URLs. */
    @WithDefault("1h")
    Duration presignTtl();

    /** Upper bound on one S3 call, retries included. */
    @WithDefault("10s")
    Duration callTimeout();
}
