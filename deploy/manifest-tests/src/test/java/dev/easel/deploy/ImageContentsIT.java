package dev.easel.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.deploy.ServiceConfig.Service;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the container images would hold, checked without a Docker engine: every COPY source exists in the services'
 * packaged {@code target/quarkus-app} (hence an integration test: it runs after the services' package phase), the
 * build context lets it through, the images run as user 185, and their settings are keys the services read.
 */
class ImageContentsIT {

    private static final String GATEWAY = "gateway-service/src/main/docker/Dockerfile.jvm";
    private static final String WORKER = "worker-service/src/main/docker/Dockerfile.jvm";
    private static final String WORKER_GPU = "worker-service/src/main/docker/Dockerfile.gpu";

    /** One instruction of a Dockerfile, continuation lines joined. */
    record Instruction(String keyword, String arguments) {
    }

    /** COPY from the build context: sources relative to the repository root, and the destination. */
    record Copy(List<String> sources, String destination) {
    }

    static List<Instruction> instructions(String dockerfile) {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Repo.read(dockerfile).split("\n")) {
            if (line.strip().startsWith("#") || (current.isEmpty() && line.isBlank())) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            String text = current.toString().strip();
            current.setLength(0);
            int space = text.indexOf(' ');
            instructions.add(new Instruction(text.substring(0, space).toUpperCase(), text.substring(space + 1).strip()));
        }
        return instructions;
    }

    static List<Copy> copies(String dockerfile) {
        List<Copy> copies = new ArrayList<>();
        for (Instruction instruction : instructions(dockerfile)) {
            if (!instruction.keyword().equals("COPY") || instruction.arguments().contains("--from=")) {
                continue;
            }
            List<String> words = Stream.of(instruction.arguments().split("\\s+")).filter(w -> !w.startsWith("--")).toList();
            copies.add(new Copy(words.subList(0, words.size() - 1), words.getLast()));
        }
        return copies;
    }

    static Map<String, String> env(String dockerfile) {
        Map<String, String> env = new LinkedHashMap<>();
        Matcher pair = Pattern.compile("([A-Z_][A-Z0-9_]*)=(\"[^\"]*\"|\\S+)").matcher("");
        for (Instruction instruction : instructions(dockerfile)) {
            if (instruction.keyword().equals("ENV")) {
                pair.reset(instruction.arguments());
                while (pair.find()) {
                    env.put(pair.group(1), pair.group(2).replace("\"", ""));
                }
            }
        }
        return env;
    }

    /** Files a COPY source stands for, its glob resolved against the repository. */
    private static List<Path> resolve(String source) throws IOException {
        if (!source.contains("*")) {
            Path path = Repo.path(source);
            return Files.exists(path) ? List.of(path) : List.of();
        }
        Path folder = Repo.path(source.substring(0, source.lastIndexOf('/')));
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + source.substring(source.lastIndexOf('/') + 1));
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> glob.matches(f.getFileName())).toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {GATEWAY, WORKER})
    void everyCopySourceIsInThePackagedApplication(String dockerfile) throws IOException {
        List<Copy> copies = copies(dockerfile);

        assertThat(copies).isNotEmpty();
        for (Copy copy : copies) {
            for (String source : copy.sources()) {
                assertThat(resolve(source)).as("%s: COPY %s", dockerfile, source).isNotEmpty();
            }
        }
    }

    @Test
    void theGpuImageCopiesTheSameLayoutFromTheGpuProfilesBuildFolder() throws IOException {
        List<String> gpu = copies(WORKER_GPU).stream().flatMap(c -> c.sources().stream()).toList();
        List<String> cpu = copies(WORKER).stream().flatMap(c -> c.sources().stream()).toList();

        assertThat(gpu).allSatisfy(source -> assertThat(source).doesNotContain("worker-service/target/quarkus-app"));
        assertThat(gpu.stream().map(s -> s.replace("worker-service/target/gpu/quarkus-app", "worker-service/target/quarkus-app")).toList())
                .containsExactlyElementsOf(cpu);
        assertThat(Repo.read("worker-service/pom.xml"))
                .containsPattern("(?s)<id>gpu</id>.*<onnxruntime.artifact>onnxruntime_gpu</onnxruntime.artifact>.*"
                        + "<directory>\\$\\{project.basedir}/target/gpu</directory>");
    }

    @ParameterizedTest
    @ValueSource(strings = {GATEWAY, WORKER, WORKER_GPU})
    void theBuildContextLetsEveryCopySourceThrough(String dockerfile) {
        List<String> included = Stream.of(Repo.read(".dockerignore").split("\n")).map(String::strip)
                .filter(l -> l.startsWith("!")).map(l -> l.substring(1, l.indexOf('*'))).toList();

        for (Copy copy : copies(dockerfile)) {
            for (String source : copy.sources()) {
                assertThat(included).as("%s is sent to the daemon", source).anySatisfy(prefix -> assertThat(source).startsWith(prefix));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {GATEWAY, WORKER, WORKER_GPU})
    void theImagesRunAsUser185AndStartTheQuarkusRunner(String dockerfile) {
        List<Instruction> instructions = instructions(dockerfile);
        Instruction lastUser = instructions.stream().filter(i -> i.keyword().equals("USER")).reduce((a, b) -> b).orElseThrow();
        String launch = instructions.stream().filter(i -> i.keyword().equals("ENTRYPOINT")).findFirst().orElseThrow().arguments()
                + env(dockerfile).getOrDefault("JAVA_APP_JAR", "");

        assertThat(lastUser.arguments()).isEqualTo("185");
        assertThat(launch).contains("/deployments/quarkus-run.jar");
        assertThat(copies(dockerfile)).allSatisfy(copy -> assertThat(instructions.stream()
                .filter(i -> i.keyword().equals("COPY") && i.arguments().endsWith(copy.destination())).toList())
                .allSatisfy(i -> assertThat(i.arguments()).contains("--chown=185")));
    }

    @ParameterizedTest
    @ValueSource(strings = {GATEWAY, WORKER, WORKER_GPU})
    void theImagesExposeThePortsTheServiceListensOn(String dockerfile) {
        Service service = dockerfile.startsWith("gateway") ? Service.GATEWAY : Service.WORKER;
        String port = ServiceConfig.of(service).defaultOf("quarkus.http.port").orElseThrow();
        String management = ServiceConfig.of(service).defaultOf("quarkus.management.port").orElseThrow();

        assertThat(instructions(dockerfile)).contains(new Instruction("EXPOSE", port + " " + management));
    }

    @ParameterizedTest
    @ValueSource(strings = {GATEWAY, WORKER, WORKER_GPU})
    void settingsTheImagesBakeInAreKeysTheServiceReads(String dockerfile) {
        ServiceConfig config = ServiceConfig.of(dockerfile.startsWith("gateway") ? Service.GATEWAY : Service.WORKER);

        env(dockerfile).keySet().stream().filter(name -> name.startsWith("EASEL_") || name.startsWith("QUARKUS_"))
                .forEach(name -> assertThat(config.keyOf(name)).as("%s: %s", dockerfile, name).isPresent());
    }

    @ParameterizedTest
    @ValueSource(strings = {WORKER, WORKER_GPU})
    void theWorkerImagesPointTheEngineAtTheBundledModel(String dockerfile) {
        Copy model = copies(dockerfile).stream().filter(c -> c.sources().contains("models/tiny-shapes/")).findFirst().orElseThrow();
        Path source = Repo.path("models/tiny-shapes");

        assertThat(env(dockerfile).get("EASEL_ENGINE_MODEL_DIR") + "/").isEqualTo(model.destination());
        for (String file : List.of("model_index.json", "scheduler/scheduler_config.json", "tokenizer/tokenizer.json",
                "text_encoder/model.onnx", "unet/model.onnx", "vae_decoder/model.onnx")) {
            assertThat(source.resolve(file)).as(file).isRegularFile();
        }
    }

    @Test
    void thePackagedWorkerCarriesTheCpuOnnxRuntimeAndAFastJarRunner() throws IOException {
        Path app = Repo.path("worker-service/target/quarkus-app");
        try (JarFile runner = new JarFile(app.resolve("quarkus-run.jar").toFile());
             Stream<Path> libs = Files.list(app.resolve("lib/main"))) {
            assertThat(runner.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("io.quarkus.bootstrap.runner.QuarkusEntryPoint");
            assertThat(libs.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("com.microsoft.onnxruntime.onnxruntime-"));
        }
    }
}
