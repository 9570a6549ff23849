package dev.easel.common.storage;

import java.util.regex.Pattern;

/**
 * The object-store key layout for outputs, thumbnails, previews and uploads. Everything lies under its tenant
 * ({@code outputs/{tenant}/...}, {@code uploads/{tenant}/...}); a null tenant names the layout of jobs queued before
 * tenants existed, which had none.
 */
public final class StorageKeys {

    // Ids become path segments; refusing '/', '.' and the like keeps a key from escaping its prefix.
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private StorageKeys() {
    }

    /** {@code outputs/{tenant}/{job}/}: everything stored for one job, e.g. to delete it. */
    public static String jobPrefix(String tenant, String jobId) {
        return "outputs/" + tenantSegment(tenant) + requireSafe("job id", jobId) + "/";
    }

    /** {@code outputs/{tenant}/{job}/{i}.png}: the full image. */
    public static String output(String tenant, String jobId, int index) {
        return jobPrefix(tenant, jobId) + requireIndex(index) + ".png";
    }

    /** {@code outputs/{tenant}/{job}/{i}.thumb.jpg}: its thumbnail. */
    public static String thumbnail(String tenant, String jobId, int index) {
        return jobPrefix(tenant, jobId) + requireIndex(index) + ".thumb.jpg";
    }

    /** {@code outputs/{tenant}/{job}/preview.jpg}: the latest in-progress preview, overwritten as the job runs. */
    public static String preview(String tenant, String jobId) {
        return jobPrefix(tenant, jobId) + "preview.jpg";
    }

    /** {@code uploads/{tenant}/{id}}: an image from {@code POST /v1/uploads}, or an inline image staged. */
    public static String upload(String tenant, String uploadId) {
        return "uploads/" + tenantSegment(tenant) + requireSafe("upload id", uploadId);
    }

    private static String tenantSegment(String tenant) {
        return tenant == null ? "" : requireSafe("tenant", tenant) + "/";
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
