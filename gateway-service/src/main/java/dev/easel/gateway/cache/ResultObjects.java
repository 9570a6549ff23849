package dev.easel.gateway.cache;

import dev.easel.common.event.ResultImage;
import dev.easel.platform.storage.StorageConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

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
        try {
            s3.headObject(h -> h.bucket(storage.bucket()).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }
}
