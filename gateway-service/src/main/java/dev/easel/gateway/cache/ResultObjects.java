package dev.easel.gateway.cache;

import dev.easel.common.event.ResultImage;
import dev.easel.platform.storage.S3Objects;
import dev.easel.platform.storage.StorageConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;

/** Whether a cached result's objects are still in storage (a lifecycle rule or an operator may delete them). */
@ApplicationScoped
public class ResultObjects {

    private final S3Client s3;
    private final StorageConfig storage;

    ResultObjects(S3Client s3, StorageConfig storage) {
        this.s3 = s3;
        this.storage = storage;
    }

    /** True when every image and thumbnail exists; storage errors other than "not found" propagate. */
    public boolean allExist(List<ResultImage> images) {
        for (ResultImage image : images) {
            if (!exists(image.key()) || image.thumbnailKey() != null && !exists(image.thumbnailKey())) {
                return false;
            }
        }
        return true;
    }

    private boolean exists(String key) {
        return S3Objects.head(s3, storage.bucket(), key).isPresent();
    }
}
