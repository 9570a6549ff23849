package dev.easel.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.easel.deploy.ServiceConfig.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** docker-compose.yml: the Easel services get exactly the settings they read, and the cluster can converge. */
class ComposeFileTest {

    private static JsonNode compose;
    private static final Map<Service, ServiceConfig> CONFIG = Map.of(
            Service.GATEWAY, ServiceConfig.of(Service.GATEWAY), Service.WORKER, ServiceConfig.of(Service.WORKER));

    @BeforeAll
    static void read() throws IOException {
        compose = Chart.YAML.readTree(Repo.path("docker-compose.yml").toFile());
    }

    /** The Easel services of the file: those built from a service's Dockerfile. */
    static Stream<String> easelServices() throws IOException {
        read();
        List<String> names = new ArrayList<>();
        compose.path("services").properties().forEach(s -> {
            if (s.getValue().at("/build/dockerfile").asText().contains("-service/src/main/docker/")) {
                names.add(s.getKey());
            }
        });
        return names.stream();
    }

    private static ServiceConfig configOf(String name) {
        String dockerfile = compose.at("/services/" + name + "/build/dockerfile").asText();
        return CONFIG.get(dockerfile.startsWith("gateway-service/") ? Service.GATEWAY : Service.WORKER);
    }

    private static List<String> env(String name) {
        List<String> names = new ArrayList<>();
        compose.at("/services/" + name + "/environment").fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void itRunsAGatewayACpuWorkerAndAGpuWorkerOnlyInTheGpuProfile() throws IOException {
        assertThat(easelServices()).containsExactlyInAnyOrder("gateway", "worker", "worker-gpu");
        assertThat(compose.at("/services/worker/profiles").isMissingNode()).isTrue();
        assertThat(compose.at("/services/worker-gpu/profiles").toString()).isEqualTo("[\"gpu\"]");
    }

    @ParameterizedTest
    @MethodSource("easelServices")
    void everyEnvironmentVariableIsAKeyTheServiceReads(String service) {
        ServiceConfig config = configOf(service);

        assertThat(env(service)).allSatisfy(name -> assertThat(config.keyOf(name)).as("%s: %s", service, name).isPresent());
    }

    @ParameterizedTest
    @MethodSource("easelServices")
    void everyKeyADeploymentMustSetIsSet(String service) {
        ServiceConfig config = configOf(service);
        List<String> keys = env(service).stream().map(config::keyOf).flatMap(Optional::stream).toList();

        assertThat(keys).containsAll(config.requiredForDeployment());
    }

    @ParameterizedTest
    @MethodSource("easelServices")
    void easelServicesAreBuiltFromTheirDockerfilesInTheRepositoryRoot(String service) {
        JsonNode build = compose.at("/services/" + service + "/build");

        assertThat(build.path("context").asText()).isEqualTo(".");
        assertThat(Files.isRegularFile(Repo.path(build.path("dockerfile").asText()))).isTrue();
    }

    @Test
    void theGatewayTakesThePepperAndTheBootstrapKeyFromWhoeverRunsComposeAndComposeRefusesToStartWithoutThem() throws IOException {
        JsonNode gateway = compose.at("/services/gateway/environment");

        assertThat(requiredMessage(gateway, "EASEL_AUTH_PEPPER")).contains("at least 32 bytes").contains("openssl rand -base64 48");
        assertThat(requiredMessage(gateway, "EASEL_AUTH_BOOTSTRAP_KEY")).contains("easel_sk_");
        assertThat(gateway.has("EASEL_AUTH_ENABLED")).as("authentication stays on").isFalse();
        easelServices().filter(service -> !service.equals("gateway"))
                .forEach(service -> assertThat(env(service)).as(service).noneMatch(name -> name.startsWith("EASEL_AUTH_")));
    }

    @Test
    void theBootstrapKeyCommandComposeSuggestsGeneratesAKeyOfTheRightForm() {
        String message = requiredMessage(compose.at("/services/gateway/environment"), "EASEL_AUTH_BOOTSTRAP_KEY");
        String command = message.substring(message.indexOf("export EASEL_AUTH_BOOTSTRAP_KEY="));

        String first = ApiKeyFormat.generate(command, "EASEL_AUTH_BOOTSTRAP_KEY");
        assertThat(first).matches(ApiKeyFormat.KEY);
        assertThat(ApiKeyFormat.generate(command, "EASEL_AUTH_BOOTSTRAP_KEY")).matches(ApiKeyFormat.KEY).isNotEqualTo(first);
    }

    /**
     * The message of a {@code ${NAME:?message}} value, as compose shows it ({@code $$} is one {@code $}): compose
     * stops with it when {@code NAME} is unset or empty in its environment.
     */
    private static String requiredMessage(JsonNode environment, String name) {
        String value = environment.path(name).asText();
        Matcher required = Pattern.compile("\\$\\{" + name + ":\\?([^{}]+)}", Pattern.DOTALL).matcher(value);
        assertThat(required.matches()).as("%s: %s is ${%s:?message}", name, value, name).isTrue();
        return required.group(1).replace("$$", "$");
    }

    @Test
    void theGpuWorkerReservesAnNvidiaGpuAndPrefersTensorRtWithAPersistentEngineCache() {
        JsonNode gpu = compose.at("/services/worker-gpu");
        JsonNode device = gpu.at("/deploy/resources/reservations/devices/0");

        assertThat(device.path("driver").asText()).isEqualTo("nvidia");
        assertThat(device.path("capabilities").toString()).contains("\"gpu\"");
        assertThat(device.path("count").asInt()).isEqualTo(1);
        assertThat(gpu.at("/environment/EASEL_ENGINE_PROVIDERS").asText()).startsWith("tensorrt,cuda");
        String cacheDir = gpu.at("/environment/EASEL_ENGINE_TENSORRT_CACHE_DIR").asText();
        assertThat(gpu.path("volumes").toString()).contains("trt-cache:" + cacheDir);
    }

    @Test
    void everyDependencyWaitsForAHealthCheckOrAFinishedOneShot() {
        compose.path("services").properties().forEach(service -> service.getValue().path("depends_on").properties()
                .forEach(dependency -> {
                    JsonNode target = compose.at("/services/" + dependency.getKey());
                    String condition = dependency.getValue().path("condition").asText();
                    assertThat(target.isMissingNode()).as("%s depends on %s", service.getKey(), dependency.getKey()).isFalse();
                    assertThat(condition).isIn("service_healthy", "service_completed_successfully");
                    if (condition.equals("service_healthy")) {
                        assertThat(target.has("healthcheck")).as("%s has a health check", dependency.getKey()).isTrue();
                    } else {
                        assertThat(target.path("restart").asText()).as("%s runs once", dependency.getKey()).isEqualTo("no");
                    }
                }));
    }

    @Test
    void everyLongRunningServiceHasAHealthCheckAndTheEaselOnesUseReadiness() throws IOException {
        compose.path("services").properties().forEach(service -> {
            if (!service.getValue().path("restart").asText().equals("no")) {
                assertThat(service.getValue().has("healthcheck")).as(service.getKey()).isTrue();
            }
        });
        easelServices().forEach(service -> assertThat(compose.at("/services/" + service + "/healthcheck/test").toString())
                .contains("/q/health/ready"));
    }

    @Test
    void kafkaIsAtLeast42AndTheInitCreatesTheTopicsAndShareGroupTheServicesUse() {
        Matcher version = Pattern.compile("apache/kafka:(\\d+)\\.(\\d+)").matcher(compose.at("/services/kafka/image").asText());
        assertThat(version.find()).isTrue();
        assertThat(Integer.parseInt(version.group(1)) * 100 + Integer.parseInt(version.group(2))).isGreaterThanOrEqualTo(402);

        String init = compose.at("/services/kafka-init/command").toString();
        ServiceConfig worker = CONFIG.get(Service.WORKER);
        for (String topic : List.of("easel.topics.jobs", "easel.topics.job-events", "easel.topics.dead-letters")) {
            assertThat(init).contains(worker.defaultOf(topic).orElseThrow() + ":");
        }
        assertThat(init).contains("--entity-name " + worker.defaultOf("easel.topics.worker-group").orElseThrow())
                .contains("share.auto.offset.reset=earliest")
                .contains("share.version=1");
    }

    @Test
    void theServicesBucketIsTheOneTheInitCreates() {
        String bucket = CONFIG.get(Service.GATEWAY).defaultOf("easel.storage.bucket").orElseThrow();

        assertThat(compose.at("/services/minio-init/command").toString()).contains("mc mb --ignore-existing easel/" + bucket);
    }
}
