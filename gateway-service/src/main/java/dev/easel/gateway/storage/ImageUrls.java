package dev.easel.gateway.storage;

import dev.easel.platform.storage.StorageConfig;
import jakarta.enterprise.context.ApplicationScoped;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** Client-facing URLs of stored objects: CDN base + key when one is configured, else presigned GETs. */
@ApplicationScoped
public class ImageUrls {

    private final StorageConfig config;
    private final S3Presigner presigner;

    ImageUrls(StorageConfig config, S3Presigner presigner) {
        this.config = config;
        this.presigner = presigner;
    }

    public String of(String key) {
        if (key == null) {
            return null;
        }
        if (config.publicBaseUrl().isPresent()) {
            String base = config.publicBaseUrl().get();
            return base.endsWith("/") ? base + key : base + "/" + key;
        }
        return presigner.presignGetObject(p -> p.signatureDuration(config.presignTtl())
                        .getObjectRequest(g -> g.bucket(config.bucket()).key(key)))
                .url().toString();
    }
}
