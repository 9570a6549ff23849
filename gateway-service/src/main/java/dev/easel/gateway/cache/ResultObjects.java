package dev.easel.gateway.cache;

import dev.easel.common.event.ResultImage;
import dev.easel.platform.storage.S3Objects;
import dev.easel.platform.storage.SideBySide;
import dev.easel.platform.storage.StorageConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Whether a cached result's objects are still in storage (a lifecycle rule or an operator may delete them). The
 * HEAD requests of one result go out side by side: a hit that has to check waits for one round trip, not two per
 * image.
 */
@ApplicationScoped
public class ResultObjects {

    private final S3Client s3;
    private final StorageConfig storage;
    private final SideBySide heads = new SideBySide();

    ResultObjects(S3Client s3, StorageConfig storage) {
        this.s3 = s3;
        this.storage = storage;
    }

    @PreDestroy
    void close() {
        heads.close();
    }

    /** True when every image and thumbnail exists; storage errors other than "not found" propagate. */
    public boolean allExist(List<ResultImage> images) {
        List<Callable<Boolean>> checks = new ArrayList<>();
        for (ResultImage image : images) {
            checks.add(() -> exists(image.key()));
            if (image.thumbnailKey() != null) {
                checks.add(() -> exists(image.thumbnailKey()));
            }
        }
        try {
            return heads.all(checks).stream().allMatch(Boolean::booleanValue);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking storage", e);
        }
    }

    private boolean exists(String key) {
        return S3Objects.head(s3, storage.bucket(), key).isPresent();
    }
}
