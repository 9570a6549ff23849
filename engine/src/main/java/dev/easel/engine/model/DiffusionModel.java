package dev.easel.engine.model;

import java.util.Optional;

/**
 * A model package with its sessions open: tokenizer, text encoder, denoiser and VAE. Loaded once and
 * shared by every job on the worker; sessions are safe for concurrent {@code run} calls.
 */
public final class DiffusionModel implements AutoCloseable {

    private final ModelPackage pkg;
    private final TextEncoder textEncoder;
    private final Denoiser denoiser;
    private final Vae vae;

    private DiffusionModel(ModelPackage pkg, TextEncoder textEncoder, Denoiser denoiser, Vae vae) {
        this.pkg = pkg;
        this.textEncoder = textEncoder;
        this.denoiser = denoiser;
        this.vae = vae;
    }

    public static DiffusionModel load(ModelPackage pkg, EngineConfig config) {
        OnnxSessions sessions = new OnnxSessions(config);
        PromptTokenizer tokenizer = PromptTokenizer.load(pkg.tokenizerFolder(), pkg.maxTokens());
        TextEncoder text = new TextEncoder(new OnnxComponent("text_encoder", sessions.open(pkg.textEncoder())), tokenizer);
        Denoiser unet = new Denoiser(new OnnxComponent("unet", sessions.open(pkg.unet())));
        Optional<OnnxComponent> encoder = pkg.hasVaeEncoder()
                ? Optional.of(new OnnxComponent("vae_encoder", sessions.open(pkg.vaeEncoder())))
                : Optional.empty();
        Vae vae = new Vae(new OnnxComponent("vae_decoder", sessions.open(pkg.vaeDecoder())), encoder,
                pkg.vaeScalingFactor(), pkg.latentChannels(), pkg.vaeScaleFactor());
        return new DiffusionModel(pkg, text, unet, vae);
    }

    public ModelPackage pkg() {
        return pkg;
    }

    public TextEncoder textEncoder() {
        return textEncoder;
    }

    public Denoiser denoiser() {
        return denoiser;
    }

    public Vae vae() {
        return vae;
    }

    /** The provider the denoiser (the model's hot path) runs on. */
    public ExecutionProvider provider() {
        return denoiser.provider();
    }

    @Override
    public void close() {
        textEncoder.close();
        denoiser.close();
        vae.close();
    }
}
