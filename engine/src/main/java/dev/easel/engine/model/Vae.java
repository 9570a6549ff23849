package dev.easel.engine.model;

import dev.easel.engine.EngineException;
import dev.easel.engine.Timings;
import java.util.Map;
import java.util.Optional;

/**
 * The autoencoder halves: {@code vae_decoder} ({@code latent_sample} → {@code sample}) and the optional
 * {@code vae_encoder} ({@code sample} → latent distribution). Latents are kept multiplied by the
 * package's scaling factor, as diffusers does; encoding uses the distribution's mean (its mode), so an
 * encode is deterministic.
 */
public final class Vae implements AutoCloseable {

    private final OnnxComponent decoder;
    private final Optional<OnnxComponent> encoder;
    private final float scaling;
    private final int latentChannels;
    private final int scale;
    private final String decoderOutput;

    Vae(OnnxComponent decoder, Optional<OnnxComponent> encoder, double scaling, int latentChannels, int scale) {
        this.decoder = decoder;
        this.encoder = encoder;
        this.scaling = (float) scaling;
        this.latentChannels = latentChannels;
        this.scale = scale;
        decoder.input("latent_sample");
        this.decoderOutput = decoder.output("sample");
        encoder.ifPresent(e -> e.input("sample"));
    }

    /** Pixels in [-1, 1], {@code [batch, 3, h·scale, w·scale]}, of scaled latents {@code [batch, C, h, w]}. */
    public float[] decode(float[] latents, int batch, int h, int w, Timings timings) {
        float[] unscaled = new float[latents.length];
        for (int i = 0; i < latents.length; i++) {
            unscaled[i] = latents[i] / scaling;
        }
        return decoder.run(Map.of("latent_sample", decoder.floats(unscaled, batch, latentChannels, h, w)),
                decoderOutput, timings, Timings.Stage.DECODING);
    }

    /** Scaled latents {@code [batch, C, H/scale, W/scale]} of pixels in [-1, 1]. */
    public float[] encode(float[] pixels, int batch, int height, int width, Timings timings) {
        OnnxComponent enc = encoder.orElseThrow(() -> new EngineException("unsupported_kind",
                "this model package has no vae_encoder, so it cannot take input images", false, null));
        float[] out = enc.run(Map.of("sample", enc.floats(pixels, batch, 3, height, width)),
                enc.output("latent_parameters"), timings, Timings.Stage.ENCODING);
        int plane = (height / scale) * (width / scale);
        int perImage = out.length / batch;
        // Optimum's "latent_parameters" hold mean ‖ logvar (2C channels); older exports give C channels of latents.
        float[] latents = new float[batch * latentChannels * plane];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < latentChannels * plane; i++) {
                latents[b * latentChannels * plane + i] = out[b * perImage + i] * scaling;
            }
        }
        return latents;
    }

    @Override
    public void close() {
        decoder.close();
        encoder.ifPresent(OnnxComponent::close);
    }
}
