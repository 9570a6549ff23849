package dev.easel.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.LintResult;
import dev.easel.deploy.Chart.Manifests;
import dev.easel.deploy.ServiceConfig.Service;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** helm/easel rendered by real Helm, for its own defaults and for every ci/*-values.yaml, checked object by object. */
class HelmChartTest {

    private static final ServiceConfig GATEWAY = ServiceConfig.of(Service.GATEWAY);
    private static final ServiceConfig WORKER = ServiceConfig.of(Service.WORKER);
    /** Environment the images' launchers read rather than the services. */
    private static final List<String> LAUNCHER_ENV = List.of("JAVA_OPTS_APPEND");

    static Stream<String> ciValues() throws IOException {
        try (Stream<Path> files = Files.list(Chart.DIR.resolve("ci"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith("-values.yaml")).sorted().toList().stream();
        }
    }

    @Test
    void lintPassesInStrictMode() {
        LintResult lint = Chart.lint();

        assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
    }

    @Test
    void thereAreCiValuesForDefaultGpuMigAndKedaSetups() throws IOException {
        assertThat(ciValues()).contains("default-values.yaml", "gpu-values.yaml", "mig-values.yaml", "keda-values.yaml");
    }

    @ParameterizedTest
    @MethodSource("ciValues")
    void probesUseTheQuarkusHealthEndpointsOnTheManagementPorts(String values) {
        Manifests chart = Chart.render(values);
        for (String component : List.of("gateway", "worker")) {
            JsonNode container = chart.container(component);
            assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/q/health/started");
            assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
            assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                assertThat(container.at("/" + probe + "/httpGet/port").asText()).isEqualTo("management");
            }
        }
        assertThat(chart.container("gateway").at("/ports/0/containerPort").asInt()).isEqualTo(8080);
        assertThat(chart.container("worker").at("/ports/0/containerPort").asInt()).isEqualTo(8081);
        assertThat(chart.container("gateway").at("/ports/1/name").asText()).isEqualTo("management");
        assertThat(chart.container("gateway").at("/ports/1/containerPort").asInt()).isEqualTo(managementPort(Service.GATEWAY));
        assertThat(chart.container("worker").at("/ports/1/name").asText()).isEqualTo("management");
        assertThat(chart.container("worker").at("/ports/1/containerPort").asInt()).isEqualTo(managementPort(Service.WORKER));
    }

    @ParameterizedTest
    @MethodSource("ciValues")
    void theIngressRoutesTheApiPortOnlyAndMetricsAreScrapedFromTheManagementPort(String values) {
        Manifests chart = Chart.render(values);
        for (JsonNode ingress : chart.ofKind("Ingress")) {
            for (JsonNode rule : ingress.at("/spec/rules")) {
                for (JsonNode path : rule.at("/http/paths")) {
                    assertThat(path.at("/backend/service/port/name").asText()).isEqualTo("http");
                }
            }
        }
        for (JsonNode monitor : chart.ofKind("ServiceMonitor")) {
            assertThat(monitor.at("/spec/endpoints/0/port").asText()).isEqualTo("management");
        }
        assertThat(chart.get("Service", "easel-gateway").at("/spec/ports").findValuesAsText("targetPort")).containsExactly("http");
        // Its own Service, ClusterIP whatever type the API's is (a LoadBalancer would publish metrics).
        JsonNode management = chart.get("Service", "easel-gateway-management");
        assertThat(management.at("/spec/type").asText()).isEqualTo("ClusterIP");
        assertThat(management.at("/spec/ports").findValuesAsText("targetPort")).containsExactly("management");
        Manifests exposed = Chart.render(values, Map.of("gateway.service.type", "LoadBalancer"));
        assertThat(exposed.get("Service", "easel-gateway").at("/spec/type").asText()).isEqualTo("LoadBalancer");
        assertThat(exposed.get("Service", "easel-gateway-management").at("/spec/type").asText()).isEqualTo("ClusterIP");
        assertThat(chart.get("Service", "easel-worker").at("/spec/ports").findValuesAsText("targetPort")).containsExactly("management");
    }

    private static int managementPort(Service service) {
        return Integer.parseInt(ServiceConfig.of(service).defaultOf("quarkus.management.port").orElseThrow());
    }

    @ParameterizedTest
    @MethodSource("ciValues")
    void everyEnvironmentVariableTheChartSetsIsAKeyTheServiceReads(String values) {
        Manifests chart = Chart.render(values);
        assertThat(unknownEnv(chart.envNames("gateway"), GATEWAY)).as("gateway env the gateway does not read").isEmpty();
        assertThat(unknownEnv(chart.envNames("worker"), WORKER)).as("worker env the worker does not read").isEmpty();
    }

    @Test
    void anEnvironmentVariableOfTheOtherServiceIsCaught() {
        Manifests chart = Chart.render("default-values.yaml", Map.of("gateway.extraEnv[0].name", "EASEL_WORKER_SLOTS",
                "gateway.extraEnv[0].value", "2"));

        assertThat(unknownEnv(chart.envNames("gateway"), GATEWAY)).containsExactly("EASEL_WORKER_SLOTS");
    }

    @ParameterizedTest
    @MethodSource("ciValues")
    void everyKeyADeploymentMustSetIsSet(String values) {
        Manifests chart = Chart.render(values);
        assertThat(setKeys(chart.envNames("gateway"), GATEWAY)).containsAll(GATEWAY.requiredForDeployment());
        assertThat(setKeys(chart.envNames("worker"), WORKER)).containsAll(WORKER.requiredForDeployment());
    }

    @ParameterizedTest
    @MethodSource("ciValues")
    void secretReferencesToTheChartsSecretNameKeysItHolds(String values) {
        Manifests chart = Chart.render(values);
        for (String component : List.of("gateway", "worker")) {
            for (JsonNode env : chart.container(component).path("env")) {
                JsonNode ref = env.at("/valueFrom/secretKeyRef");
                if (!ref.isMissingNode() && ref.path("name").asText().equals(Chart.RELEASE)) {
                    assertThat(chart.get("Secret", Chart.RELEASE).path("data").has(ref.path("key").asText()))
                            .as("%s: key %s of Secret %s", env.path("name").asText(), ref.path("key").asText(), Chart.RELEASE)
                            .isTrue();
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("ciValues")
    void podsRunAsNonRootOnAReadOnlyRootFileSystemWithAWritableTmp(String values) {
        Manifests chart = Chart.render(values);
        for (String component : List.of("gateway", "worker")) {
            assertThat(chart.podSpec(component).at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
            assertThat(chart.podSpec(component).at("/securityContext/runAsUser").asInt()).isEqualTo(185);
            JsonNode container = chart.container(component);
            assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
            assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
            assertThat(container.at("/securityContext/capabilities/drop").toString()).contains("ALL");
            assertThat(mountPaths(container)).contains("/tmp");
        }
    }

    @ParameterizedTest
    @MethodSource("ciValues")
    void aWorkerGetsLongerToTerminateThanItsLongestJobAndDrainsBeforeSigterm(String values) {
        Manifests chart = Chart.render(values);
        long runTimeout = seconds(chart.envValue("worker", "EASEL_WORKER_RUN_TIMEOUT"));
        long shutdownGrace = seconds(chart.envValue("worker", "EASEL_WORKER_SHUTDOWN_GRACE"));

        assertThat(shutdownGrace).isGreaterThanOrEqualTo(runTimeout);
        assertThat(chart.podSpec("worker").path("terminationGracePeriodSeconds").asLong()).isGreaterThan(shutdownGrace + 15);
        // POST /drain on the management port, with the token from the worker's default token file.
        String preStop = chart.container("worker").at("/lifecycle/preStop/exec/command/2").asText();
        assertThat(preStop).contains("-X POST", "http://127.0.0.1:${QUARKUS_MANAGEMENT_PORT:-9081}/drain",
                "$(cat \"${EASEL_WORKER_DRAIN_TOKEN_FILE:-/tmp/easel-worker-drain.token}\")");
        assertThat(ServiceConfig.of(Service.WORKER).defaultOf("easel.worker.drain-token-file")).contains("/tmp/easel-worker-drain.token");
        assertThat(chart.container("worker").at("/volumeMounts").findValuesAsText("mountPath")).contains("/tmp");
    }

    @ParameterizedTest
    @MethodSource("ciValues")
    void everyVolumeHasExactlyOneSource(String values) {
        Manifests chart = Chart.render(values);
        for (String component : List.of("gateway", "worker")) {
            for (JsonNode volume : chart.podSpec(component).path("volumes")) {
                List<String> fields = new ArrayList<>();
                volume.fieldNames().forEachRemaining(fields::add);
                assertThat(fields).as("volume %s of the %s", volume.path("name").asText(), component).hasSize(2).contains("name");
            }
        }
    }

    @Test
    void pullSecretsReachBothPods() {
        Manifests chart = Chart.render("default-values.yaml", Map.of("global.imagePullSecrets[0]", "regcred"));

        assertThat(chart.podSpec("gateway").at("/imagePullSecrets/0/name").asText()).isEqualTo("regcred");
        assertThat(chart.podSpec("worker").at("/imagePullSecrets/0/name").asText()).isEqualTo("regcred");
    }

    @Test
    void inCpuModeTheWorkerAsksForNoGpuAndRunsTheCpuImageOnTheCpu() {
        Manifests chart = Chart.render("default-values.yaml");
        JsonNode worker = chart.container("worker");

        assertThat(worker.at("/resources/limits").toString()).doesNotContain("nvidia.com");
        assertThat(chart.podSpec("worker").path("tolerations").isMissingNode()).isTrue();
        assertThat(worker.path("image").asText()).isEqualTo("docker.io/easel/worker:0.1.0");
        assertThat(chart.envValue("worker", "EASEL_ENGINE_PROVIDERS")).isEqualTo("cpu");
    }

    @Test
    void inGpuModeTheWorkerLimitsOneGpuToleratesGpuNodesAndPrefersTensorRt() {
        Manifests chart = Chart.render("gpu-values.yaml");
        JsonNode worker = chart.container("worker");
        JsonNode pod = chart.podSpec("worker");

        assertThat(worker.at("/resources/limits/nvidia.com~1gpu").asInt()).isEqualTo(1);
        assertThat(pod.path("tolerations").toString()).contains("\"key\":\"nvidia.com/gpu\"").contains("NoSchedule");
        assertThat(pod.at("/nodeSelector/nvidia.com~1gpu.present").asText()).isEqualTo("true");
        assertThat(worker.path("image").asText()).isEqualTo("docker.io/easel/worker-gpu:0.1.0");
        assertThat(chart.envValue("worker", "EASEL_ENGINE_PROVIDERS")).isEqualTo("tensorrt,cuda,cpu");
        assertThat(chart.envValue("worker", "EASEL_ENGINE_TENSORRT_CACHE_DIR")).isEqualTo("/var/cache/easel/tensorrt");
        assertThat(mountPaths(worker)).contains("/var/cache/easel/tensorrt", "/models");
        assertThat(chart.envValue("worker", "EASEL_ENGINE_MODEL_DIR")).isEqualTo("/models/sd-turbo");
    }

    @Test
    void onMigTheWorkerAsksForItsSliceInsteadOfAWholeGpu() {
        JsonNode limits = Chart.render("mig-values.yaml").container("worker").at("/resources/limits");

        assertThat(limits.path("nvidia.com/mig-1g.10gb").asInt()).isEqualTo(1);
        assertThat(limits.has("nvidia.com/gpu")).isFalse();
    }

    @Test
    void withoutKedaThereIsNoScaledObjectAndTheWorkerDeploymentSetsItsReplicas() {
        Manifests chart = Chart.render("default-values.yaml");

        assertThat(chart.ofKind("ScaledObject")).isEmpty();
        assertThat(chart.get("Deployment", "easel-worker").at("/spec/replicas").asInt()).isEqualTo(1);
    }

    @Test
    void withKedaTheWorkersScaleOnTheGatewaysBacklogMetricNotOnKafkaLag() {
        Manifests chart = Chart.render("keda-values.yaml");
        JsonNode scaled = chart.get("ScaledObject", "easel-worker");
        JsonNode trigger = scaled.at("/spec/triggers/0");

        assertThat(scaled.at("/spec/scaleTargetRef/name").asText()).isEqualTo("easel-worker");
        assertThat(scaled.at("/spec/minReplicaCount").asInt()).isZero();
        assertThat(scaled.at("/spec/maxReplicaCount").asInt()).isEqualTo(20);
        assertThat(trigger.path("type").asText()).isEqualTo("prometheus");
        assertThat(trigger.at("/metadata/query").asText())
                .contains("easel_queue_backlog_jobs{namespace=\"imaging\",service=\"easel-gateway\"}")
                .contains("easel_worker_slots_busy{namespace=\"imaging\",service=\"easel-worker\"}");
        assertThat(trigger.at("/metadata/threshold").asText()).isEqualTo("2");
        assertThat(scaled.at("/spec/triggers").toString()).doesNotContain("kafka");
        assertThat(chart.get("Deployment", "easel-worker").at("/spec").has("replicas")).isFalse();
    }

    @Test
    void thePrometheusTriggerWithItsDefaultQueryNeedsTheServiceMonitorsWhoseLabelsItSelects() {
        assertThatThrownBy(() -> Chart.render("keda-values.yaml", Map.of("metrics.serviceMonitor.enabled", false)))
                .hasMessageContaining("metrics.serviceMonitor.enabled");
    }

    @Test
    void theMetricsApiTriggerReadsTheBacklogFromTheGatewaysOwnMetrics() {
        JsonNode trigger = Chart.render("keda-values.yaml", Map.of("worker.keda.trigger", "metrics-api", "worker.keda.jobsPerReplica", 3))
                .get("ScaledObject", "easel-worker").at("/spec/triggers/0");

        assertThat(trigger.path("type").asText()).isEqualTo("metrics-api");
        assertThat(trigger.at("/metadata/url").asText()).isEqualTo("http://easel-gateway-management.imaging.svc:9080/q/metrics");
        assertThat(trigger.at("/metadata/format").asText()).isEqualTo("prometheus");
        assertThat(trigger.at("/metadata/valueLocation").asText()).isEqualTo("easel_queue_backlog_jobs");
        assertThat(trigger.at("/metadata/targetValue").asText()).isEqualTo("3");
    }

    @Test
    void theBacklogAndBusySlotMetricsTheScalerQueriesExistInTheServices() throws IOException {
        String gatewaySources = sources("gateway-service/src/main/java");
        String workerSources = sources("worker-service/src/main/java");

        assertThat(gatewaySources).contains("\"easel_queue_backlog_jobs\"");
        assertThat(workerSources).contains("\"easel_worker_slots_busy\"");
    }

    @Test
    void workersKeepTheirDeletionCostWithRightsToPatchPodsAndNoMore() {
        Manifests chart = Chart.render("default-values.yaml");
        JsonNode role = chart.get("Role", "easel-worker");
        JsonNode binding = chart.get("RoleBinding", "easel-worker");

        assertThat(role.path("rules").toString()).isEqualTo("[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"patch\"]}]");
        assertThat(binding.at("/subjects/0/name").asText()).isEqualTo(chart.podSpec("worker").path("serviceAccountName").asText());
        assertThat(binding.at("/roleRef/name").asText()).isEqualTo("easel-worker");
        assertThat(chart.envValue("worker", "EASEL_CLUSTER_DELETION_COST_ENABLED")).isEqualTo("true");
        assertThat(chart.envEntry("worker", "EASEL_CLUSTER_POD_NAME").at("/valueFrom/fieldRef/fieldPath").asText()).isEqualTo("metadata.name");
        assertThat(chart.envEntry("worker", "EASEL_CLUSTER_NAMESPACE").at("/valueFrom/fieldRef/fieldPath").asText()).isEqualTo("metadata.namespace");
        assertThat(chart.podSpec("worker").path("automountServiceAccountToken").asBoolean()).isTrue();
        assertThat(chart.podSpec("gateway").path("automountServiceAccountToken").asBoolean()).isFalse();
    }

    @Test
    void withoutTheDeletionCostWorkersGetNoRoleAndNoToken() {
        Manifests chart = Chart.render("default-values.yaml", Map.of("worker.deletionCost.enabled", false));

        assertThat(chart.ofKind("Role")).isEmpty();
        assertThat(chart.ofKind("RoleBinding")).isEmpty();
        assertThat(chart.podSpec("worker").path("automountServiceAccountToken").asBoolean()).isFalse();
        assertThat(chart.envValue("worker", "EASEL_CLUSTER_DELETION_COST_ENABLED")).isEqualTo("false");
    }

    @Test
    void existingSecretsReplaceTheChartsOwnCredentials() {
        Manifests chart = Chart.render("keda-values.yaml");

        assertThat(chart.envEntry("gateway", "QUARKUS_DATASOURCE_PASSWORD").at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("easel-db");
        assertThat(chart.envEntry("worker", "QUARKUS_REDIS_HOSTS").at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("easel-redis");
        assertThat(chart.envEntry("worker", "EASEL_STORAGE_SECRET_ACCESS_KEY").at("/valueFrom/secretKeyRef").toString())
                .isEqualTo("{\"name\":\"easel-s3\",\"key\":\"secret-access-key\"}");
        assertThat(chart.envEntry("gateway", "KAFKA_SASL_JAAS_CONFIG").at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("easel-kafka");
        assertThat(chart.ofKind("Secret")).isEmpty();
    }

    @Test
    void theGatewayGetsThePepperAndTheBootstrapKeyFromTheChartsSecretAndTheWorkerNeither() throws IOException {
        Manifests chart = Chart.render("default-values.yaml");
        JsonNode ciValues = Chart.YAML.readTree(Chart.DIR.resolve("ci/default-values.yaml").toFile()).path("auth");
        JsonNode secret = chart.get("Secret", Chart.RELEASE).path("data");

        assertThat(chart.envEntry("gateway", "EASEL_AUTH_PEPPER").at("/valueFrom/secretKeyRef").toString())
                .isEqualTo("{\"name\":\"easel\",\"key\":\"auth-pepper\"}");
        assertThat(chart.envEntry("gateway", "EASEL_AUTH_BOOTSTRAP_KEY").at("/valueFrom/secretKeyRef").toString())
                .isEqualTo("{\"name\":\"easel\",\"key\":\"auth-bootstrap-key\"}");
        assertThat(decoded(secret.path("auth-pepper"))).isEqualTo(ciValues.path("pepper").asText());
        assertThat(decoded(secret.path("auth-bootstrap-key"))).isEqualTo(ciValues.path("bootstrapKey").asText()).matches(ApiKeyFormat.KEY);
        assertThat(chart.envValue("gateway", "EASEL_AUTH_ENABLED")).isEqualTo("true");
        assertThat(chart.envValue("gateway", "EASEL_AUTH_BOOTSTRAP_TENANT")).isEqualTo("operators");
        assertThat(chart.envNames("worker")).noneMatch(name -> name.startsWith("EASEL_AUTH_"));
    }

    @Test
    void withAuthenticationOnTheChartRefusesToRenderWithoutAPepper() {
        String message = "auth.pepper is required while auth.enabled is true";

        assertThatThrownBy(() -> Chart.render((String) null)).hasMessageContaining(message);
        assertThatThrownBy(() -> Chart.render("default-values.yaml", Map.of("auth.pepper", ""))).hasMessageContaining(message)
                .hasMessageContaining("auth.existingSecret");
    }

    @Test
    void aPepperShorterThan32BytesIsRefused() {
        assertThatThrownBy(() -> Chart.render("default-values.yaml", Map.of("auth.pepper", "a".repeat(31))))
                .hasMessageContaining("auth.pepper is 31 bytes long; it must be at least 32 bytes");

        Manifests chart = Chart.render("default-values.yaml", Map.of("auth.pepper", "a".repeat(32)));
        assertThat(decoded(chart.get("Secret", Chart.RELEASE).at("/data/auth-pepper"))).hasSize(32);
    }

    @Test
    void anExistingSecretHoldsThePepperAndOptionallyTheBootstrapKey() {
        Manifests chart = Chart.render("gpu-values.yaml");

        assertThat(chart.envEntry("gateway", "EASEL_AUTH_PEPPER").at("/valueFrom/secretKeyRef").toString())
                .isEqualTo("{\"name\":\"easel-auth\",\"key\":\"pepper\"}");
        assertThat(chart.envEntry("gateway", "EASEL_AUTH_BOOTSTRAP_KEY").at("/valueFrom/secretKeyRef").toString())
                .isEqualTo("{\"name\":\"easel-auth\",\"key\":\"bootstrap-key\",\"optional\":true}");
        assertThat(chart.ofKind("Secret")).allSatisfy(secret -> assertThat(secret.path("data").toString()).doesNotContain("auth-"));

        Manifests renamed = Chart.render("gpu-values.yaml", Map.of("auth.existingSecretPepperKey", "hmac-pepper",
                "auth.existingSecretBootstrapKeyKey", "first-key", "auth.pepper", "ignored"));
        assertThat(renamed.envEntry("gateway", "EASEL_AUTH_PEPPER").at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("hmac-pepper");
        assertThat(renamed.envEntry("gateway", "EASEL_AUTH_BOOTSTRAP_KEY").at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("first-key");
    }

    @Test
    void withoutABootstrapKeyTheGatewayGetsNone() {
        Manifests chart = Chart.render("default-values.yaml", Map.of("auth.bootstrapKey", ""));

        assertThat(chart.envNames("gateway")).contains("EASEL_AUTH_PEPPER").doesNotContain("EASEL_AUTH_BOOTSTRAP_KEY");
        assertThat(chart.get("Secret", Chart.RELEASE).path("data").has("auth-bootstrap-key")).isFalse();
    }

    @Test
    void withAuthenticationOffNoPepperIsNeededAndNoneIsPassed() {
        Manifests chart = Chart.render("default-values.yaml", Map.of("auth.enabled", false, "auth.pepper", ""));

        assertThat(chart.envValue("gateway", "EASEL_AUTH_ENABLED")).isEqualTo("false");
        assertThat(chart.envNames("gateway")).doesNotContain("EASEL_AUTH_PEPPER", "EASEL_AUTH_BOOTSTRAP_KEY");
        assertThat(chart.get("Secret", Chart.RELEASE).path("data").has("auth-pepper")).isFalse();
    }

    @Test
    void withNeitherKeysNorASecretS3CredentialsComeFromTheAwsDefaultChain() {
        Manifests chart = Chart.render("gpu-values.yaml");

        for (String component : List.of("gateway", "worker")) {
            assertThat(chart.envEntry(component, "EASEL_STORAGE_ACCESS_KEY_ID").path("value").asText()).isEmpty();
            assertThat(chart.envEntry(component, "EASEL_STORAGE_SECRET_ACCESS_KEY").path("value").asText()).isEmpty();
            assertThat(chart.envValue(component, "EASEL_STORAGE_ENDPOINT")).isEmpty();
        }
        assertThat(chart.get("ServiceAccount", "easel-worker").at("/metadata/annotations/eks.amazonaws.com~1role-arn").asText())
                .endsWith(":role/easel-worker");
    }

    @Test
    void theModelCatalogReachesTheGatewayAsAConfigFileOfKeysItReads() throws IOException {
        Manifests chart = Chart.render("gpu-values.yaml");
        String file = chart.get("ConfigMap", "easel-gateway-models").at("/data/application.properties").asText();
        Properties properties = new Properties();
        properties.load(new StringReader(file));

        assertThat(properties.stringPropertyNames()).hasSize(11).allSatisfy(key -> assertThat(GATEWAY.knows(key)).as(key).isTrue());
        assertThat(properties.getProperty("easel.models.catalog.sd-turbo.default-width")).isEqualTo("512");
        assertThat(properties.getProperty("easel.models.catalog.sd-turbo.kinds")).isEqualTo("text-to-image,image-to-image,inpaint,outpaint");
        assertThat(mountPaths(chart.container("gateway"))).contains("/deployments/config");
        assertThat(Chart.render("default-values.yaml").has("ConfigMap", "easel-gateway-models")).isFalse();
    }

    @Test
    void globalImageRegistryReplacesEveryImagesRegistry() {
        Manifests chart = Chart.render("gpu-values.yaml", Map.of("global.imageRegistry", "registry.internal:5000", "gateway.image.tag", "1.2.3"));

        assertThat(chart.container("gateway").path("image").asText()).isEqualTo("registry.internal:5000/easel/gateway:1.2.3");
        assertThat(chart.container("worker").path("image").asText()).isEqualTo("registry.internal:5000/easel/worker-gpu:0.1.0");
    }

    @Test
    void gatewayAutoscalingBudgetsIngressAndMonitorsAreThereWhenAskedFor() {
        Manifests keda = Chart.render("keda-values.yaml");
        Manifests defaults = Chart.render("default-values.yaml");

        assertThat(keda.get("HorizontalPodAutoscaler", "easel-gateway").at("/spec/scaleTargetRef/name").asText()).isEqualTo("easel-gateway");
        assertThat(keda.get("Deployment", "easel-gateway").at("/spec").has("replicas")).isFalse();
        assertThat(keda.get("ServiceMonitor", "easel-worker").at("/spec/endpoints/0/path").asText()).isEqualTo("/q/metrics");
        assertThat(keda.get("ServiceMonitor", "easel-gateway").at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");
        assertThat(defaults.ofKind("ServiceMonitor")).isEmpty();
        assertThat(defaults.ofKind("HorizontalPodAutoscaler")).isEmpty();
        assertThat(defaults.get("PodDisruptionBudget", "easel-gateway").at("/spec/minAvailable").asInt()).isEqualTo(1);
        assertThat(defaults.get("PodDisruptionBudget", "easel-worker").at("/spec/maxUnavailable").asInt()).isEqualTo(1);
        assertThat(defaults.get("Ingress", "easel-gateway").at("/spec/rules/0/http/paths/0/path").asText()).isEqualTo("/v1");
    }

    @Test
    void aModelDirectoryOutsideTheModelVolumeIsRefused() {
        assertThatThrownBy(() -> Chart.render("gpu-values.yaml", Map.of("worker.model.dir", "/deployments/models/tiny-shapes")))
                .hasMessageContaining("worker.model.dir");
    }

    private static List<String> unknownEnv(List<String> env, ServiceConfig service) {
        return env.stream().filter(name -> !LAUNCHER_ENV.contains(name)).filter(name -> service.keyOf(name).isEmpty()).toList();
    }

    private static List<String> setKeys(List<String> env, ServiceConfig service) {
        List<String> keys = new ArrayList<>();
        env.forEach(name -> service.keyOf(name).ifPresent(keys::add));
        return keys;
    }

    private static String decoded(JsonNode base64) {
        return new String(Base64.getDecoder().decode(base64.asText()), StandardCharsets.UTF_8);
    }

    private static List<String> mountPaths(JsonNode container) {
        List<String> paths = new ArrayList<>();
        container.path("volumeMounts").forEach(m -> paths.add(m.path("mountPath").asText()));
        return paths;
    }

    private static long seconds(String duration) {
        assertThat(duration).matches("[0-9]+s");
        return Long.parseLong(duration.substring(0, duration.length() - 1));
    }

    private static String sources(String folder) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(Repo.path(folder))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                all.append(Files.readString(file));
            }
        }
        return all.toString();
    }
}
