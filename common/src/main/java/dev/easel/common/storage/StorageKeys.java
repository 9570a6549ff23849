package dev.easel.common.storage;

import java.util.regex.Pattern;

/** The object-store key layout for outputs, thumbnails, previews and uploads. */
public final class StorageKeys {

    // Ids become path segments; refusing '/', '.' and the like keeps a key from escaping its prefix.
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private StorageKeys() {
    }

    /** {@code outputs/{job}/}: everything stored for one job, e.g. to delete it. */
    public static String jobPrefix(String jobId) {
        return "outputs/" + requireSafe("job id", jobId) + "/";
    }

    /** {@code outputs/{job}/{i}.png}: the full image. */
    public static String output(String jobId, int index) {
        return jobPrefix(jobId) + requireIndex(index) + ".png";
    }

    /** {@code outputs/{job}/{i}.thumb.jpg}: its thumbnail. */
    public static String thumbnail(String jobId, int index) {
        return jobPrefix(jobId) + requireIndex(index) + ".thumb.jpg";
    }

    /** {@code outputs/{job}/preview.jpg}: the latest in-progress preview, overwritten as the job runs. */
    public static String preview(String jobId) {
        return jobPrefix(jobId) + "preview.jpg";
    }

    /** {@code uploads/{id}}: an image from {@code POST /v1/uploads}. */
    public static String upload(String uploadId) {
        return "uploads/" + requireSafe("upload id", uploadId);
    }

    private static String requireSafe(String what, String id) {
        if (id == null || !SAFE_ID.matcher(id).matches()) {
            throw new IllegalArgumentException(what + " must be 1-128 characters of A-Z, a-z, 0-9, '_' or '-': " + id);
        }
        return id;
    }

    private static int requireIndex(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("image index must not be negative: " + index);
        }
        return index;
    }
}
