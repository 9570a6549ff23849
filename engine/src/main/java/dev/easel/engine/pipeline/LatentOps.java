package dev.easel.engine.pipeline;

/** Arithmetic on planar latent batches ({@code [batch, channels, h, w]} flattened) that the sampling loop needs. */
final class LatentOps {

    private LatentOps() {
    }

    /** Each image's {@code ca} channels of {@code a} followed by its {@code cb} channels of {@code b}. */
    static float[] concatChannels(float[] a, int ca, float[] b, int cb, int batch, int plane) {
        float[] out = new float[batch * (ca + cb) * plane];
        for (int n = 0; n < batch; n++) {
            System.arraycopy(a, n * ca * plane, out, n * (ca + cb) * plane, ca * plane);
            System.arraycopy(b, n * cb * plane, out, n * (ca + cb) * plane + ca * plane, cb * plane);
        }
        return out;
    }

    /** {@code latents = m·latents + (1 − m)·known}, the mask broadcast over channels and images. */
    static void blend(float[] latents, float[] known, float[] mask, int batch, int channels, int plane) {
        for (int n = 0; n < batch * channels; n++) {
            int base = n * plane;
            for (int i = 0; i < plane; i++) {
                float m = mask[i];
                latents[base + i] = m * latents[base + i] + (1f - m) * known[base + i];
            }
        }
    }
}
