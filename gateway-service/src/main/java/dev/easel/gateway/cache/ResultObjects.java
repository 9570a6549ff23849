package dev.easel.gateway.cache;

import dev.easel.common.event.ResultImage;
import dev.easel.platform.storage.S3Objects;
import dev.easel.platform.storage.StorageConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
    private final ExecutorService heads = Executors.newVirtualThreadPerTaskExecutor();

    ResultObjects(S3Client s3, StorageConfig storage) {
        this.s3 = s3;
        this.storage = storage;
    }

    @PreDestroy
    void close() {
        heads.shutdownNow();
    }

    /** True when every image and thumbnail exists; storage errors other than "not found" propagate. */
    public boolean allExist(List<ResultImage> images) {
        List<Future<Boolean>> checks = new ArrayList<>();
        for (ResultImage image : images) {
            checks.add(heads.submit(() -> exists(image.key())));
            if (image.thumbnailKey() != null) {
                checks.add(heads.submit(() -> exists(image.thumbnailKey())));
            }
        }
        boolean all = true;
        for (Future<Boolean> check : checks) {
            try {
                all &= check.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException("storage check failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while checking storage", e);
            }
        }
        return all;
    }

    private boolean exists(String key) {
        return S3Objects.head(s3, storage.bucket(), key).isPresent();
    }
}
