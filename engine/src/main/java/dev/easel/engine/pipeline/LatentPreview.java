package dev.easel.engine.pipeline;

import dev.easel.engine.Timings;
import dev.easel.engine.image.Canvas;
import dev.easel.engine.model.DiffusionModel;
import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * A cheap latent → RGB approximation for progress previews: one affine map per latent cell instead of a
 * VAE decode. The package may declare the map ({@code latent_rgb_factors}); otherwise it is fitted once at
 * load by least squares between random latents and their VAE decodes averaged over each cell.
 */
public final class LatentPreview {

    private final int channels;
    private final float[] weights; // [channels + 1][3], the last row is the bias

    private LatentPreview(int channels, float[] weights) {
        this.channels = channels;
        this.weights = weights;
    }

    public static LatentPreview forModel(DiffusionModel model) {
        var pkg = model.pkg();
        int c = pkg.latentChannels();
        if (pkg.latentRgbFactors().isPresent()) {
            float[] factors = pkg.latentRgbFactors().get();
            float[] w = new float[(c + 1) * 3];
            System.arraycopy(factors, 0, w, 0, Math.min(factors.length, c * 3));
            return new LatentPreview(c, w);
        }
        return fit(model);
    }

    private static LatentPreview fit(DiffusionModel model) {
        var pkg = model.pkg();
        int c = pkg.latentChannels();
        int scale = pkg.vaeScaleFactor();
        int h = pkg.limits().defaultHeight() / scale;
        int w = pkg.limits().defaultWidth() / scale;
        int batch = 2;
        Random random = new Random(0);
        float[] latents = new float[batch * c * h * w];
        for (int i = 0; i < latents.length; i++) {
            latents[i] = (float) random.nextGaussian();
        }
        float[] pixels = model.vae().decode(latents, batch, h, w, new Timings());
        int cells = batch * h * w;
        int k = c + 1;
        double[][] ata = new double[k][k];
        double[][] atb = new double[k][3];
        double[] row = new double[k];
        int plane = h * w;
        int pixelPlane = plane * scale * scale;
        for (int b = 0; b < batch; b++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int ch = 0; ch < c; ch++) {
                        row[ch] = latents[(b * c + ch) * plane + y * w + x];
                    }
                    row[c] = 1;
                    double[] rgb = new double[3];
                    for (int ch = 0; ch < 3; ch++) {
                        double sum = 0;
                        for (int dy = 0; dy < scale; dy++) {
                            for (int dx = 0; dx < scale; dx++) {
                                sum += pixels[(b * 3 + ch) * pixelPlane + (y * scale + dy) * w * scale + x * scale + dx];
                            }
                        }
                        rgb[ch] = sum / (scale * scale);
                    }
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j < k; j++) {
                            ata[i][j] += row[i] * row[j];
                        }
                        for (int j = 0; j < 3; j++) {
                            atb[i][j] += row[i] * rgb[j];
                        }
                    }
                }
            }
        }
        for (int i = 0; i < k; i++) {
            ata[i][i] += 1e-6 * cells; // ridge term keeps the solve stable
        }
        double[][] solution = solve(ata, atb);
        float[] weights = new float[k * 3];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < 3; j++) {
                weights[i * 3 + j] = (float) solution[i][j];
            }
        }
        return new LatentPreview(c, weights);
    }

    /** Gaussian elimination with partial pivoting for the small normal equations above. */
    private static double[][] solve(double[][] a, double[][] b) {
        int n = a.length;
        int m = b[0].length;
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] t = a[col];
            a[col] = a[pivot];
            a[pivot] = t;
            t = b[col];
            b[col] = b[pivot];
            b[pivot] = t;
            for (int r = 0; r < n; r++) {
                if (r == col) {
                    continue;
                }
                double f = a[r][col] / a[col][col];
                for (int j = col; j < n; j++) {
                    a[r][j] -= f * a[col][j];
                }
                for (int j = 0; j < m; j++) {
                    b[r][j] -= f * b[col][j];
                }
            }
        }
        double[][] x = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                x[i][j] = b[i][j] / a[i][i];
            }
        }
        return x;
    }

    /** The preview of image 0 of a latent batch, scaled up to {@code width}×{@code height}. */
    public BufferedImage render(float[] latents, int h, int w, int width, int height) {
        int plane = h * w;
        float[] rgb = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            for (int ch = 0; ch < 3; ch++) {
                float v = weights[channels * 3 + ch];
                for (int l = 0; l < channels; l++) {
                    v += latents[l * plane + i] * weights[l * 3 + ch];
                }
                rgb[ch * plane + i] = v;
            }
        }
        return Canvas.resize(Canvas.fromTensor(rgb, 0, w, h), width, height);
    }
}
