package dev.easel.engine;

import java.util.List;

/**
 * Noise for a batch whose images each have their own source: a request for the whole batch is split
 * into equal per-image parts, so image {@code i} of a batch of four is the same image as a single
 * generation with that image's seed.
 */
public final class BatchNoise implements NoiseSource {

    private final List<NoiseSource> perImage;

    public BatchNoise(List<NoiseSource> perImage) {
        this.perImage = List.copyOf(perImage);
    }

    @Override
    public float[] gaussian(int n) {
        int images = perImage.size();
        if (n % images != 0) {
            throw new IllegalArgumentException(n + " values do not split over " + images + " images");
        }
        int each = n / images;
        float[] values = new float[n];
        for (int i = 0; i < images; i++) {
            System.arraycopy(perImage.get(i).gaussian(each), 0, values, i * each, each);
        }
        return values;
    }
}
