package dev.easel.worker.job;

import dev.easel.common.event.ResultImage;
import dev.easel.common.job.JobSpec;
import dev.easel.common.model.ModelLimits;
import dev.easel.common.storage.StorageKeys;
import dev.easel.engine.image.ImageCodec;
import dev.easel.engine.image.PngParameters;
import dev.easel.engine.pipeline.Generation;
import dev.easel.platform.storage.SideBySide;
import dev.easel.worker.storage.ResultStore;
import dev.easel.worker.storage.StorageUnavailableException;
import io.quarkus.logging.Log;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A run's images in storage, under the job's deterministic keys (a re-run overwrites instead of duplicating): each
 * result as a PNG carrying its generation parameters with a JPEG thumbnail beside it, and the previews of a running
 * job. A job's results are stored all at once, side by side, so that storing a batch takes about one round trip.
 */
final class ResultUploads implements AutoCloseable {

    private static final int THUMBNAIL_SIDE = 256;
    private static final int PREVIEW_SIDE = 256;

    private final ResultStore store;
    private final SideBySide sideBySide = new SideBySide();

    ResultUploads(ResultStore store) {
        this.store = store;
    }

    /** The stored images' references, in the generation's order, and what was computed beside the uploads. */
    record Stored<T>(List<ResultImage> images, T beside) {
    }

    /**
     * Encodes and stores every image of {@code generation} and its thumbnail, all at once, while {@code beside} runs
     * with them; returns when all are stored.
     *
     * @throws TransientJobException when storage cannot be reached ({@code storage_unavailable}) or the wait is
     *         interrupted
     */
    <T> Stored<T> store(String tenant, String jobId, JobSpec spec, ModelLimits model, Generation generation, Callable<T> beside) {
        List<ResultImage> images = new ArrayList<>();
        List<Callable<Object>> puts = new ArrayList<>();
        for (int i = 0; i < generation.images().size(); i++) {
            BufferedImage image = generation.images().get(i);
            long seed = generation.seeds().get(i);
            String key = StorageKeys.output(tenant, jobId, i);
            String thumb = StorageKeys.thumbnail(tenant, jobId, i);
            puts.add(Executors.callable(() -> store.put(key,
                    ImageCodec.png(image, PngParameters.of(spec, model, seed)), "image/png")));
            puts.add(Executors.callable(() -> store.put(thumb, ImageCodec.jpeg(image, THUMBNAIL_SIDE, 0.85f), "image/jpeg")));
            images.add(new ResultImage(i, key, thumb, image.getWidth(), image.getHeight(), seed, "image/png"));
        }
        puts.add(beside::call);
        try {
            @SuppressWarnings("unchecked")
            T computed = (T) sideBySide.all(puts).getLast();
            return new Stored<>(images, computed);
        } catch (StorageUnavailableException e) {
            throw TransientJobException.storageUnavailable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientJobException("interrupted", "interrupted while storing the images", e);
        }
    }

    /** Renders and stores a running job's preview; returns its key, or null when it could not be stored. */
    String preview(String tenant, String jobId, Supplier<BufferedImage> preview) {
        String key = StorageKeys.preview(tenant, jobId);
        try {
            store.put(key, ImageCodec.jpeg(preview.get(), PREVIEW_SIDE, 0.7f), "image/jpeg");
            return key;
        } catch (RuntimeException e) {
            // A preview is a nicety: the job goes on, and the next one may be stored.
            Log.debugf("job %s: preview not stored: %s", jobId, e.getMessage());
            return null;
        }
    }

    @Override
    public void close() {
        sideBySide.close();
    }
}
