package dev.easel.worker.storage;

import dev.easel.common.storage.StorageKeys;
import dev.easel.platform.storage.S3Objects;
import dev.easel.platform.storage.StorageConfig;
import jakarta.enterprise.context.ApplicationScoped;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The worker's object storage: reads uploaded inputs and writes outputs, thumbnails and previews under the
 * deterministic keys of {@link StorageKeys}, so a re-run overwrites instead of duplicating.
 */
@ApplicationScoped
public class ResultStore {

    private final S3Client s3;
    private final StorageConfig config;

    ResultStore(S3Client s3, StorageConfig config) {
        this.s3 = s3;
        this.config = config;
    }

    /**
     * @return the bytes, or null when no such upload exists (a deterministic failure of the job)
     * @throws StorageUnavailableException when storage cannot be reached
     */
    public byte[] upload(String tenant, String uploadId) {
        try {
            return s3.getObjectAsBytes(g -> g.bucket(config.bucket()).key(StorageKeys.upload(tenant, uploadId))).asByteArray();
        } catch (NoSuchKeyException e) {
            return null;
        } catch (SdkException e) {
            throw new StorageUnavailableException("cannot read upload " + uploadId + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether an object is still stored (a result reused from the similar-prompt index must be).
     *
     * @throws StorageUnavailableException when storage cannot be reached
     */
    public boolean exists(String key) {
        try {
            return S3Objects.head(s3, config.bucket(), key).isPresent();
        } catch (SdkException e) {
            throw new StorageUnavailableException("cannot check " + key + ": " + e.getMessage(), e);
        }
    }

    /** @throws StorageUnavailableException when storage cannot be reached */
    public void put(String key, byte[] bytes, String contentType) {
        try {
            s3.putObject(p -> p.bucket(config.bucket()).key(key).contentType(contentType), RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            throw new StorageUnavailableException("cannot write " + key + ": " + e.getMessage(), e);
        }
    }
}
