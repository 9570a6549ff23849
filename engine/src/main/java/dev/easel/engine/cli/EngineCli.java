package dev.easel.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.common.job.ImageRef;
import dev.easel.common.job.JobSpec;
import dev.easel.common.json.JsonCodec;
import dev.easel.common.model.StaticModelCatalog;
import dev.easel.common.validation.DataUrlImageInspector;
import dev.easel.common.validation.InvalidRequestException;
import dev.easel.common.validation.JobRequestValidator;
import dev.easel.engine.EngineException;
import dev.easel.engine.Timings;
import dev.easel.engine.image.ImageCodec;
import dev.easel.engine.image.PngParameters;
import dev.easel.engine.model.DiffusionModel;
import dev.easel.engine.model.EngineConfig;
import dev.easel.engine.model.ExecutionProvider;
import dev.easel.engine.model.ModelPackage;
import dev.easel.engine.pipeline.Generation;
import dev.easel.engine.pipeline.GenerationRequest;
import dev.easel.engine.pipeline.Pipeline;
import dev.easel.engine.pipeline.ProgressListener;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs the engine without Kafka or HTTP: {@code generate} writes PNGs for a prompt or a request JSON (the
 * body of {@code POST /v1/jobs}); {@code bench} repeats a generation and prints per-stage timings and the
 * engine's overhead over the ONNX Runtime calls, or with {@code --on-demand} times one generation per input line.
 */
public final class EngineCli {

    private EngineCli() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0 || !List.of("generate", "bench", "bench-inpaint").contains(args[0])) {
            usage();
            System.exit(2);
        }
        Map<String, String> options = options(Arrays.copyOfRange(args, 1, args.length));
        try {
            switch (args[0]) {
                case "generate" -> generate(options);
                case "bench" -> bench(options);
                default -> benchInpaint(options);
            }
        } catch (InvalidRequestException e) {
            System.err.println("invalid request (" + e.code() + "): " + e.violations());
            System.exit(1);
        } catch (EngineException e) {
            System.err.println(e.code() + ": " + e.getMessage());
            System.exit(1);
        }
    }

    private static void generate(Map<String, String> options) throws IOException {
        Path out = Path.of(options.getOrDefault("out", "generated"));
        try (DiffusionModel model = load(options)) {
            Pipeline pipeline = new Pipeline(model, 5);
            JobSpec spec = spec(options, model.pkg());
            GenerationRequest request = request(spec);
            Generation generation = pipeline.generate(request, ProgressListener.NONE, () -> false);
            Files.createDirectories(out);
            for (int i = 0; i < generation.images().size(); i++) {
                Path file = out.resolve("image-" + spec.seed() + "-" + i + ".png");
                Files.write(file, ImageCodec.png(generation.images().get(i), PngParameters.of(spec, model.pkg().limits(), generation.seeds().get(i))));
                System.out.println("wrote " + file);
            }
            System.out.println("provider " + generation.provider().wireName() + "; " + generation.timings());
        }
    }

    private static void bench(Map<String, String> options) throws IOException {
        int runs = Integer.parseInt(options.getOrDefault("runs", "5"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "1"));
        int promptCache = Integer.parseInt(options.getOrDefault("prompt-cache", Integer.toString(Pipeline.DEFAULT_PROMPT_CACHE)));
        try (DiffusionModel model = load(options)) {
            Pipeline pipeline = new Pipeline(model, Integer.MAX_VALUE, promptCache);
            JobSpec spec = spec(options, model.pkg());
            GenerationRequest request = request(spec);
            for (int i = 0; i < warmup; i++) {
                pipeline.generate(request, ProgressListener.NONE, () -> false);
            }
            if (Boolean.parseBoolean(options.getOrDefault("on-demand", "false"))) {
                onDemand(pipeline, request);
                return;
            }
            List<Timings> all = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                all.add(pipeline.generate(request, ProgressListener.NONE, () -> false).timings());
            }
            System.out.printf("bench %s %s %dx%d steps=%d scheduler=%s guidance=%.1f images=%d provider=%s runs=%d%n",
                    spec.kind().wireName(), model.pkg().limits().id(), spec.width(), spec.height(), spec.steps(),
                    spec.scheduler().wireName(), spec.guidanceScale(), spec.numImages(), model.provider().wireName(), runs);
            System.out.printf("  total ms       p50 %8.2f  mean %8.2f%n", p50(all, Timings::totalMs), mean(all, Timings::totalMs));
            System.out.printf("  onnx run ms    p50 %8.2f  mean %8.2f%n", p50(all, Timings::sessionTotalMs), mean(all, Timings::sessionTotalMs));
            System.out.printf("  encode ms      p50 %8.2f  (text encoder + vae encoder %8.2f)%n", p50(all, t -> t.wallMs(Timings.Stage.ENCODING)),
                    p50(all, t -> t.sessionMs(Timings.Stage.ENCODING)));
            System.out.printf("  denoise ms     p50 %8.2f  (unet %8.2f over %d calls)%n", p50(all, t -> t.wallMs(Timings.Stage.DENOISING)),
                    p50(all, t -> t.sessionMs(Timings.Stage.DENOISING)), all.get(0).denoiserCalls());
            System.out.printf("  decode ms      p50 %8.2f  (vae decoder %8.2f)%n", p50(all, t -> t.wallMs(Timings.Stage.DECODING)),
                    p50(all, t -> t.sessionMs(Timings.Stage.DECODING)));
            System.out.printf("  image ops ms   p50 %8.2f%n", p50(all, t -> t.wallMs(Timings.Stage.IMAGE_OPS)));
            System.out.printf("  outside ms     p50 %8.2f  (validation and set-up outside the stages)%n", p50(all, Timings::outsideStagesMs));
            System.out.printf("  total / onnx   p50 %8.3f  (goal <= 1.05)%n", p50(all, t -> t.totalMs() / t.sessionTotalMs()));
            System.out.printf("  prompt cache   %d entries: %d prompts from the cache, %d encoded (--prompt-cache 0 turns it off)%n",
                    promptCache, pipeline.prompts().hits(), pipeline.prompts().misses());
        }
    }

    /**
     * One generation per line on standard input, each answered with {@code engine_ms=N} (its total time): lets a
     * caller time the engine alone right beside something else, so that drift in the machine's speed between the
     * two stays out of their comparison (deploy/local/easel bench-system). Prints {@code ready} once warmed up.
     */
    private static void onDemand(Pipeline pipeline, GenerationRequest request) throws IOException {
        System.out.println("ready");
        System.out.flush();
        BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (input.readLine() != null) {
            System.out.printf("engine_ms=%.1f%n", pipeline.generate(request, ProgressListener.NONE, () -> false).timings().totalMs());
            System.out.flush();
        }
    }

    /**
     * Region inpainting against full-canvas inpainting on the same canvas and mask: a {@code --size}² canvas
     * (default 4× the model's base area) with a centred square mask of {@code --mask} px, padding
     * {@code --padding}. Prints the denoiser time of both and their ratio.
     */
    private static void benchInpaint(Map<String, String> options) {
        int runs = Integer.parseInt(options.getOrDefault("runs", "3"));
        try (DiffusionModel model = load(options)) {
            Pipeline pipeline = new Pipeline(model, Integer.MAX_VALUE);
            int size = Integer.parseInt(options.getOrDefault("size", Integer.toString(2 * model.pkg().limits().defaultWidth() * 2)));
            int maskSide = Integer.parseInt(options.getOrDefault("mask", Integer.toString(size * 3 / 8)));
            int padding = Integer.parseInt(options.getOrDefault("padding", "16"));
            int steps = Integer.parseInt(options.getOrDefault("steps", "20"));
            BufferedImage canvas = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            java.awt.Graphics2D g = canvas.createGraphics();
            g.setColor(java.awt.Color.LIGHT_GRAY);
            g.fillRect(0, 0, size, size);
            g.dispose();
            BufferedImage mask = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            g = mask.createGraphics();
            g.setColor(java.awt.Color.WHITE);
            int offset = (size - maskSide) / 2;
            g.fillRect(offset, offset, maskSide, maskSide);
            g.dispose();
            double[] denoise = new double[2];
            dev.easel.common.job.InpaintArea[] areas = {dev.easel.common.job.InpaintArea.FULL, dev.easel.common.job.InpaintArea.MASKED};
            for (int a = 0; a < 2; a++) {
                GenerationRequest request = new GenerationRequest(dev.easel.common.job.JobKind.INPAINT, options.getOrDefault("prompt", "a red circle"), "",
                        size, size, steps, 5.0, model.pkg().limits().defaultScheduler(), 1, 1, canvas, mask, 1.0, areas[a], padding, 4, null);
                pipeline.generate(request, ProgressListener.NONE, () -> false);
                List<Timings> all = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    all.add(pipeline.generate(request, ProgressListener.NONE, () -> false).timings());
                }
                denoise[a] = p50(all, t -> t.sessionMs(Timings.Stage.DENOISING));
                System.out.printf("inpaint_area=%-6s canvas %dx%d mask %dx%d (%.1f%% of the canvas) padding %d: unet p50 %.2f ms, total p50 %.2f ms%n",
                        areas[a].name().toLowerCase(java.util.Locale.ROOT), size, size, maskSide, maskSide, 100.0 * maskSide * maskSide / (size * size),
                        padding, denoise[a], p50(all, Timings::totalMs));
            }
            System.out.printf("masked / full denoiser time: %.3f%n", denoise[1] / denoise[0]);
        }
    }

    private static DiffusionModel load(Map<String, String> options) {
        Path modelDir = Path.of(options.getOrDefault("model", "models/tiny-shapes"));
        List<ExecutionProvider> providers = Arrays.stream(options.getOrDefault("providers", "cpu").split(","))
                .map(ExecutionProvider::parse).toList();
        EngineConfig config = new EngineConfig(providers, Integer.parseInt(options.getOrDefault("device", "0")),
                Integer.parseInt(options.getOrDefault("threads", "0")), 0,
                Optional.ofNullable(options.get("trt-cache")).map(Path::of), Boolean.parseBoolean(options.getOrDefault("fp16", "false")));
        return DiffusionModel.load(ModelPackage.read(modelDir), config);
    }

    /** The request from {@code --request file.json} or from the individual options, validated like the API does. */
    private static JobSpec spec(Map<String, String> options, ModelPackage pkg) throws IOException {
        JsonNode body;
        if (options.containsKey("request")) {
            body = JsonCodec.mapper().readTree(Files.readAllBytes(Path.of(options.get("request"))));
        } else {
            ObjectNode node = JsonCodec.mapper().createObjectNode();
            node.put("prompt", options.getOrDefault("prompt", ""));
            Map<String, String> numeric = Map.of("width", "width", "height", "height", "steps", "steps", "seed", "seed",
                    "num-images", "num_images", "guidance", "guidance_scale");
            numeric.forEach((option, field) -> {
                if (options.containsKey(option)) {
                    node.set(field, JsonCodec.mapper().getNodeFactory().numberNode(new java.math.BigDecimal(options.get(option))));
                }
            });
            if (options.containsKey("negative")) {
                node.put("negative_prompt", options.get("negative"));
            }
            if (options.containsKey("scheduler")) {
                node.put("scheduler", options.get("scheduler"));
            }
            body = node;
        }
        return JobRequestValidator.validate(body, StaticModelCatalog.of(pkg.limits()),
                new DataUrlImageInspector(), () -> ThreadLocalRandom.current().nextLong(0, Long.MAX_VALUE));
    }

    private static GenerationRequest request(JobSpec spec) {
        return GenerationRequest.of(spec, image(spec.image(), "image"), image(spec.mask(), "mask"));
    }

    private static BufferedImage image(ImageRef ref, String field) {
        if (ref == null) {
            return null;
        }
        if (ref instanceof ImageRef.DataUrl dataUrl) {
            return ImageCodec.decode(dataUrl.bytes(), DataUrlImageInspector.DEFAULT_MAX_PIXELS, field);
        }
        throw new IllegalArgumentException(field + ": the command line takes images as data URLs only");
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    private static double p50(List<Timings> all, java.util.function.ToDoubleFunction<Timings> metric) {
        double[] values = all.stream().mapToDouble(metric).sorted().toArray();
        return values[values.length / 2];
    }

    private static double mean(List<Timings> all, java.util.function.ToDoubleFunction<Timings> metric) {
        return all.stream().mapToDouble(metric).average().orElse(0);
    }

    private static void usage() {
        System.err.println("""
                usage: engine generate|bench|bench-inpaint [--model DIR] [--prompt TEXT | --request FILE.json] [--negative TEXT]
                         [--width N] [--height N] [--steps N] [--guidance X] [--scheduler NAME] [--seed N]
                         [--num-images N] [--providers tensorrt,cuda,cpu] [--threads N] [--device N]
                         [--trt-cache DIR] [--fp16 true|false]
                       generate: [--out DIR]     bench: [--runs N] [--warmup N] [--on-demand true]
                         (--on-demand: after the warm-up, one timed generation per line read from stdin)
                       bench-inpaint: [--size PX] [--mask PX] [--padding PX] [--steps N] [--runs N]""");
    }
}
