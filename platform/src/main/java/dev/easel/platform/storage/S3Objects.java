package dev.easel.platform.storage;

import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Object lookups shared by the services. */
public final class S3Objects {

    private S3Objects() {
    }

    /**
     * The object's metadata, or empty when it does not exist. A HEAD answer has no body, so the SDK cannot always
     * tell "no such key" apart and reports a bare 404; both mean absent. Any other failure propagates.
     */
    public static Optional<HeadObjectResponse> head(S3Client s3, String bucket, String key) {
        try {
            return Optional.of(s3.headObject(h -> h.bucket(bucket).key(key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
