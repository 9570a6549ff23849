package dev.easel.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.common.job.JobKind;
import dev.easel.common.job.Scheduler;
import dev.easel.common.model.ModelLimits;
import dev.easel.engine.EngineException;
import dev.easel.engine.scheduler.SchedulerConfig;
import dev.easel.engine.scheduler.Schedulers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * A model folder in the diffusers ONNX layout (as Optimum exports it): {@code model_index.json},
 * {@code scheduler/}, {@code tokenizer/} ({@code tokenizer.json}, or a CLIP {@code vocab.json} + {@code merges.txt}),
 * {@code text_encoder/}, {@code unet/},
 * {@code vae_decoder/} and optionally {@code vae_encoder/}. Easel's serving defaults and limits come from
 * an {@code "easel"} block in {@code model_index.json} or a sidecar {@code easel.json}; without either
 * they are derived from the component configs the way diffusers does (default size = UNet
 * {@code sample_size} × VAE scale factor; pixel stride = VAE scale factor × the UNet's overall upsampling factor).
 */
public record ModelPackage(Path root, ModelLimits limits, int latentChannels, int vaeScaleFactor,
                           double vaeScalingFactor, int maxTokens, SchedulerConfig schedulerConfig,
                           Optional<float[]> latentRgbFactors, OptionalDouble similarThreshold) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Path textEncoder() {
        return root.resolve("text_encoder/model.onnx");
    }

    public Path unet() {
        return root.resolve("unet/model.onnx");
    }

    public Path vaeDecoder() {
        return root.resolve("vae_decoder/model.onnx");
    }

    public Path vaeEncoder() {
        return root.resolve("vae_encoder/model.onnx");
    }

    public boolean hasVaeEncoder() {
        return Files.isRegularFile(vaeEncoder());
    }

    public Path tokenizerFolder() {
        return root.resolve("tokenizer");
    }

    /** Reads and checks a package folder; every missing piece is named in the error. */
    public static ModelPackage read(Path root) {
        List<String> missing = new ArrayList<>();
        for (String required : List.of("model_index.json", "scheduler/scheduler_config.json",
                "text_encoder/model.onnx", "unet/model.onnx", "vae_decoder/model.onnx")) {
            if (!Files.isRegularFile(root.resolve(required))) {
                missing.add(required);
            }
        }
        Path tokenizer = root.resolve("tokenizer");
        if (!Files.isRegularFile(tokenizer.resolve("tokenizer.json")) && !ClipTokenizerJson.applies(tokenizer)) {
            missing.add("tokenizer/tokenizer.json (or vocab.json + merges.txt)");
        }
        if (!missing.isEmpty()) {
            throw new EngineException("model_invalid", root + " is not a diffusers ONNX model folder; missing " + missing, false, null);
        }
        JsonNode index = json(root.resolve("model_index.json"));
        JsonNode easel = index.path("easel");
        if (easel.isMissingNode() && Files.isRegularFile(root.resolve("easel.json"))) {
            easel = json(root.resolve("easel.json"));
        }
        JsonNode vae = json(root.resolve("vae_decoder/config.json"), true);
        JsonNode unet = json(root.resolve("unet/config.json"), true);
        JsonNode tokenizerConfig = json(root.resolve("tokenizer/tokenizer_config.json"), true);
        SchedulerConfig schedulerConfig = SchedulerConfig.read(root.resolve("scheduler/scheduler_config.json"));

        int vaeScale = easel.path("vae_scale_factor").asInt(
                1 << Math.max(0, vae.path("block_out_channels").size() - 1));
        // An exported UNet2DConditionModel upsamples by fixed factors of 2 (diffusers UNet2DConditionModel.forward,
        // default_overall_up_factor = 2^(len(block_out_channels) − 1), traced at a size where no forced upsample size
        // was needed), so its latents must be multiples of that factor: 8 latents, 64 px, for SD 1.5.
        int unetFactor = 1 << Math.max(0, unet.path("block_out_channels").size() - 1);
        int stride = easel.path("pixel_stride").asInt(vaeScale * unetFactor);
        int defaultSize = unet.path("sample_size").asInt(64) * vaeScale;
        int defaultWidth = easel.path("default_width").asInt(defaultSize);
        int defaultHeight = easel.path("default_height").asInt(defaultSize);
        boolean hasEncoder = Files.isRegularFile(root.resolve("vae_encoder/model.onnx"));

        Set<Scheduler> schedulers = EnumSet.noneOf(Scheduler.class);
        if (easel.has("schedulers")) {
            easel.get("schedulers").forEach(n -> schedulers.add(scheduler(n.asText())));
        } else {
            for (Scheduler s : Scheduler.values()) {
                if (Schedulers.supports(s, schedulerConfig)) {
                    schedulers.add(s);
                }
            }
        }
        Set<JobKind> kinds = EnumSet.of(JobKind.TEXT_TO_IMAGE);
        if (hasEncoder) {
            // Image kinds need the encoder; the sampling loop serves all of them with any UNet.
            kinds.addAll(EnumSet.of(JobKind.IMAGE_TO_IMAGE, JobKind.INPAINT, JobKind.OUTPAINT));
        }
        String id = easel.path("model_id").asText(root.getFileName().toString());
        String version = easel.path("version").asText("0");
        String defaultScheduler = easel.path("default_scheduler").asText(schedulers.contains(Scheduler.EULER) ? "euler" : schedulers.iterator().next().wireName());
        ModelLimits limits = new ModelLimits(id, version, defaultWidth, defaultHeight,
                easel.path("max_width").asInt(defaultWidth * 2), easel.path("max_height").asInt(defaultHeight * 2), stride,
                easel.path("default_steps").asInt(30), easel.path("default_guidance_scale").asDouble(7.5),
                scheduler(defaultScheduler), schedulers, kinds);

        Optional<float[]> rgb = Optional.empty();
        if (easel.has("latent_rgb_factors")) {
            JsonNode factors = easel.get("latent_rgb_factors");
            float[] values = new float[factors.size() * 3];
            for (int c = 0; c < factors.size(); c++) {
                for (int k = 0; k < 3; k++) {
                    values[c * 3 + k] = (float) factors.get(c).get(k).asDouble();
                }
            }
            rgb = Optional.of(values);
        }
        return new ModelPackage(root, limits,
                easel.path("latent_channels").asInt(vae.path("latent_channels").asInt(4)), vaeScale,
                easel.path("vae_scaling_factor").asDouble(vae.path("scaling_factor").asDouble(0.18215)),
                easel.path("max_token_length").asInt(tokenizerConfig.path("model_max_length").asInt(77)),
                schedulerConfig, rgb, similarThreshold(easel.path("prompt_embedding")));
    }

    /**
     * The cosine above which two prompts' embeddings count as the same meaning, from the {@code prompt_embedding}
     * block that models/training/train_prompt_embedding.py writes; absent for a model with no calibrated embedding
     * (a stock SD export), which then reuses results only for prompts whose normalised text is equal.
     */
    private static OptionalDouble similarThreshold(JsonNode embedding) {
        JsonNode threshold = embedding.path("similar_threshold");
        return threshold.isNumber() ? OptionalDouble.of(threshold.asDouble()) : OptionalDouble.empty();
    }

    private static Scheduler scheduler(String name) {
        return Scheduler.fromWire(name.toLowerCase(Locale.ROOT))
                .orElseThrow(() -> new EngineException("model_invalid", "unknown scheduler '" + name + "' in model package", false, null));
    }

    private static JsonNode json(Path file) {
        return json(file, false);
    }

    private static JsonNode json(Path file, boolean optional) {
        if (optional && !Files.isRegularFile(file)) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new EngineException("model_invalid", "cannot read " + file + ": " + e.getMessage(), false, e);
        }
    }
}
