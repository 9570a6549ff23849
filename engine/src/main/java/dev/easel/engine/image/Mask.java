package dev.easel.engine.image;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;

/**
 * A soft mask in [0, 1], one value per pixel (1 = generate, 0 = keep), with the operations region
 * inpainting needs: thresholding an uploaded mask, its bounding box, feathering and downsampling to the
 * latent grid.
 */
public record Mask(float[] values, int width, int height) {

    /** White (luminance ≥ 128) is 1, everything else 0 — as diffusers binarises inpainting masks. */
    public static Mask fromImage(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] values = new float[w * h];
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < values.length; i++) {
            int p = argb[i];
            int luma = (299 * ((p >> 16) & 0xFF) + 587 * ((p >> 8) & 0xFF) + 114 * (p & 0xFF)) / 1000;
            values[i] = luma >= 128 ? 1f : 0f;
        }
        return new Mask(values, w, h);
    }

    /** A mask that is 1 outside {@code keep} and 0 inside it: the area outpainting generates. */
    public static Mask outside(int width, int height, Rectangle keep) {
        float[] values = new float[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                values[y * width + x] = keep.contains(x, y) ? 0f : 1f;
            }
        }
        return new Mask(values, width, height);
    }

    /** The smallest rectangle holding every non-zero value, or an empty one when there is none. */
    public Rectangle bounds() {
        int minX = width;
        int minY = height;
        int maxX = -1;
        int maxY = -1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (values[y * width + x] > 0f) {
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        return maxX < 0 ? new Rectangle() : new Rectangle(minX, minY, maxX - minX + 1, maxY - minY + 1);
    }

    public boolean isEmpty() {
        for (float v : values) {
            if (v > 0f) {
                return false;
            }
        }
        return true;
    }

    /** The values inside {@code area}. */
    public Mask crop(Rectangle area) {
        float[] out = new float[area.width * area.height];
        for (int y = 0; y < area.height; y++) {
            System.arraycopy(values, (area.y + y) * width + area.x, out, y * area.width, area.width);
        }
        return new Mask(out, area.width, area.height);
    }

    /**
     * The mask grown outwards by a soft edge of {@code radius} pixels: a pixel at Euclidean distance
     * {@code d < radius} from the nearest masked pixel gets {@code 1 − d/radius}. Pixels farther away stay
     * exactly 0, which is what keeps them byte-identical when compositing. Linear time through the exact
     * distance transform of Felzenszwalb &amp; Huttenlocher (2012), applied along columns then rows.
     */
    public Mask feather(int radius) {
        if (radius <= 0) {
            return this;
        }
        float inf = (float) (width + height) * (width + height);
        float[] dist = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            dist[i] = values[i] > 0f ? 0f : inf;
        }
        float[] line = new float[Math.max(width, height)];
        float[] result = new float[line.length];
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                line[y] = dist[y * width + x];
            }
            squaredDistance1d(line, height, result);
            for (int y = 0; y < height; y++) {
                dist[y * width + x] = result[y];
            }
        }
        for (int y = 0; y < height; y++) {
            System.arraycopy(dist, y * width, line, 0, width);
            squaredDistance1d(line, width, result);
            System.arraycopy(result, 0, dist, y * width, width);
        }
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            double d = Math.sqrt(dist[i]);
            out[i] = values[i] > 0f ? values[i] : d < radius ? (float) (1.0 - d / radius) : 0f;
        }
        return new Mask(out, width, height);
    }

    /** One pass of the lower envelope of parabolas (Felzenszwalb &amp; Huttenlocher 2012, algorithm 1). */
    private static void squaredDistance1d(float[] f, int n, float[] d) {
        int[] v = new int[n];
        double[] z = new double[n + 1];
        int k = 0;
        v[0] = 0;
        z[0] = Double.NEGATIVE_INFINITY;
        z[1] = Double.POSITIVE_INFINITY;
        for (int q = 1; q < n; q++) {
            double s = intersection(f, q, v[k]);
            while (s <= z[k]) { // z[0] is -infinity, so k never drops below 0
                k--;
                s = intersection(f, q, v[k]);
            }
            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = Double.POSITIVE_INFINITY;
        }
        k = 0;
        for (int q = 0; q < n; q++) {
            while (z[k + 1] < q) {
                k++;
            }
            double dq = q - v[k];
            d[q] = (float) (dq * dq + f[v[k]]);
        }
    }

    private static double intersection(float[] f, int q, int p) {
        return ((f[q] + (double) q * q) - (f[p] + (double) p * p)) / (2.0 * q - 2.0 * p);
    }

    /**
     * The mask on the latent grid ({@code factor}× smaller): a latent cell is 1 when any pixel it covers
     * is to be generated, so the generated region never falls short of the pixel mask.
     */
    public float[] toLatentGrid(int factor) {
        int lw = width / factor;
        int lh = height / factor;
        float[] out = new float[lw * lh];
        for (int y = 0; y < lh * factor; y++) {
            for (int x = 0; x < lw * factor; x++) {
                if (values[y * width + x] > 0f) {
                    out[(y / factor) * lw + x / factor] = 1f;
                }
            }
        }
        return out;
    }

    /**
     * {@code base} with {@code generated} blended in where the mask is non-zero: {@code base·(1−m) + generated·m}.
     * Where {@code m} is 0 the base pixel is copied unchanged.
     */
    public BufferedImage composite(BufferedImage base, BufferedImage generated, int offsetX, int offsetY) {
        BufferedImage out = Canvas.rgb(base);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float m = values[y * width + x];
                if (m <= 0f) {
                    continue;
                }
                int bx = offsetX + x;
                int by = offsetY + y;
                int a = base.getRGB(bx, by);
                int g = generated.getRGB(x, y);
                out.setRGB(bx, by, m >= 1f ? g : blend(a, g, m));
            }
        }
        return out;
    }

    private static int blend(int a, int b, float m) {
        int r = Math.round(((a >> 16) & 0xFF) * (1 - m) + ((b >> 16) & 0xFF) * m);
        int g = Math.round(((a >> 8) & 0xFF) * (1 - m) + ((b >> 8) & 0xFF) * m);
        int bl = Math.round((a & 0xFF) * (1 - m) + (b & 0xFF) * m);
        return 0xFF000000 | (r << 16) | (g << 8) | bl;
    }
}
