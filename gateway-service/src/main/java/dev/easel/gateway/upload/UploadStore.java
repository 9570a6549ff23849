package dev.easel.gateway.upload;

import dev.easel.common.job.ImageRef;
import dev.easel.common.storage.StorageKeys;
import dev.easel.common.validation.DataUrlImageInspector;
import dev.easel.common.validation.ImageHeaders;
import dev.easel.common.validation.ImageInfo;
import dev.easel.common.validation.ImageInspector;
import dev.easel.common.validation.ImageRejectedException;
import dev.easel.common.validation.InvalidRequestException;
import dev.easel.common.validation.Violation;
import dev.easel.platform.storage.S3Objects;
import dev.easel.platform.storage.StorageConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Input images in object storage, under their tenant. Checks an image from its header (type, dimensions, pixel
 * count) before storing it, keeps those facts as object metadata, and resolves {@code upload:<id>} references from
 * them without downloading the image again, only within the tenant: another tenant's upload id names nothing.
 * What follows an image's own end (an appended archive or script) is not stored: storage holds images only.
 */
@ApplicationScoped
public class UploadStore {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final S3Client s3;
    private final StorageConfig storage;
    private final DataUrlImageInspector inspector;

    UploadStore(S3Client s3, StorageConfig storage, UploadConfig config) {
        this.s3 = s3;
        this.storage = storage;
        this.inspector = new DataUrlImageInspector(config.maxBytes(), config.maxPixels());
    }

    /**
     * Stores an image under a new random id, as {@code POST /v1/uploads} does.
     *
     * @param field the request field the image came in, named in the violation when it is rejected
     * @throws InvalidRequestException ({@code image_invalid} / {@code image_too_large}) when the bytes are not a
     *     PNG, JPEG or WebP within the limits
     */
    public StoredImage store(String tenant, byte[] bytes, String field) {
        ImageInfo info = inspect(bytes, field);
        int length = ImageHeaders.imageLength(bytes);
        byte[] image = bytes;
        if (length < bytes.length) {
            // Trailing bytes dropped: the size and the hash are the stored image's.
            image = Arrays.copyOf(bytes, length);
            info = inspect(image, field);
        }
        String id = newId();
        put(tenant, id, image, info);
        return new StoredImage(id, info.width(), info.height(), info.mediaType(), info.sha256(), image.length);
    }

    private ImageInfo inspect(byte[] bytes, String field) {
        try {
            return inspector.inspectBytes(bytes);
        } catch (ImageRejectedException e) {
            throw new InvalidRequestException(List.of(new Violation(field, e.code(), e.getMessage())));
        }
    }

    private void put(String tenant, String id, byte[] bytes, ImageInfo info) {
        s3.putObject(put -> put.bucket(storage.bucket()).key(StorageKeys.upload(tenant, id)).contentType(info.mediaType())
                        .metadata(Map.of("width", Integer.toString(info.width()),
                                "height", Integer.toString(info.height()), "sha256", info.sha256())),
                RequestBody.fromBytes(bytes));
    }

    /** 128 random bits in hex: an id nobody can guess or derive from an image. */
    private static String newId() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    /**
     * Checks the image references of a job of {@code tenant}: inline data from its bytes, uploads from their stored
     * metadata, looked up among the tenant's own.
     */
    public ImageInspector of(String tenant) {
        return ref -> switch (ref) {
            case ImageRef.DataUrl dataUrl -> inspector.inspect(dataUrl);
            case ImageRef.Upload upload -> head(tenant, upload.id());
        };
    }

    private ImageInfo head(String tenant, String id) {
        HeadObjectResponse head = S3Objects.head(s3, storage.bucket(), StorageKeys.upload(tenant, id))
                .orElseThrow(() -> ImageRejectedException.invalid("upload " + id + " does not exist"));
        Map<String, String> meta = head.metadata();
        try {
            return new ImageInfo(Integer.parseInt(meta.get("width")), Integer.parseInt(meta.get("height")),
                    head.contentType(), meta.get("sha256"));
        } catch (RuntimeException e) {
            throw ImageRejectedException.invalid("upload " + id + " was not stored through /v1/uploads");
        }
    }

    /**
     * Moves an inline image (or a multipart file part) to storage so that job rows and Kafka messages carry a short
     * reference. The id is random, as an upload's is: an id derived from the content would tell anyone who has the
     * image whether it was ever submitted, and let them name it.
     *
     * @param info what validation already read from the image's header
     */
    public ImageRef.Upload stage(String tenant, ImageRef.DataUrl image, ImageInfo info) {
        String id = newId();
        byte[] bytes = image.bytes();
        int length = ImageHeaders.imageLength(bytes);
        if (length == bytes.length) {
            put(tenant, id, bytes, info);
        } else {
            byte[] trimmed = Arrays.copyOf(bytes, length);
            put(tenant, id, trimmed, inspector.inspectBytes(trimmed));
        }
        return new ImageRef.Upload(id);
    }
}
