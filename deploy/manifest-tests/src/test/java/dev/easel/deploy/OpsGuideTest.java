package dev.easel.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.common.job.JobStatus;
import dev.easel.deploy.ServiceConfig.Service;
import dev.easel.engine.model.ExecutionProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/README.md as a newcomer would use it: every shell block is valid bash, every values file it shows passes
 * the chart's schema, and every chart value, setting, metric, file and link it names exists.
 */
class OpsGuideTest {

    private static final String GUIDE = "deploy/README.md";
    private static final Pattern CODE_BLOCK = Pattern.compile("(?ms)^```(\\w+)\\n(.*?)^```");
    private static final Pattern CHART_VALUE = Pattern.compile("`((?:global|kafka|postgresql|redis|storage|auth|metrics|gateway|worker)\\.[A-Za-z.*]+)(?:[:=][^`]*)?`");
    private static final Pattern METRIC = Pattern.compile("\\beasel_[a-z_]+[a-z]\\b");
    private static final Pattern LABEL = Pattern.compile("\\b(outcome|status|provider)=\"([a-z_]+)\"");
    /** Shell variables of the examples that no service reads: the API key a caller sends. */
    /** Variables of the shell, not of a service: the client's key, and the MinIO credentials compose reads. */
    private static final Set<String> CLIENT_VARIABLES = Set.of("EASEL_API_KEY", "EASEL_S3_ACCESS_KEY", "EASEL_S3_SECRET_KEY");

    private static String guide;
    private static Set<String> declaredValues;

    @BeforeAll
    static void read() throws IOException {
        guide = Repo.read(GUIDE);
        declaredValues = new TreeSet<>();
        collect(new ObjectMapper().readTree(Chart.DIR.resolve("values.schema.json").toFile()), "", declaredValues);
    }

    private static void collect(JsonNode schema, String prefix, Set<String> paths) {
        schema.path("properties").properties().forEach(p -> {
            String path = prefix.isEmpty() ? p.getKey() : prefix + "." + p.getKey();
            paths.add(path);
            collect(p.getValue(), path, paths);
        });
    }

    private static List<String> blocks(String language) {
        List<String> blocks = new ArrayList<>();
        Matcher block = CODE_BLOCK.matcher(guide);
        while (block.find()) {
            if (block.group(1).equals(language)) {
                blocks.add(block.group(2));
            }
        }
        return blocks;
    }

    @Test
    void everyShellBlockIsValidBash(@TempDir Path dir) throws Exception {
        List<String> shell = blocks("bash");
        assertThat(shell).hasSizeGreaterThan(5);
        for (String script : shell) {
            Path file = Files.writeString(dir.resolve("block.sh"), script);
            Process bash = new ProcessBuilder("bash", "-n", file.toString()).redirectErrorStream(true).start();
            String output = new String(bash.getInputStream().readAllBytes());
            assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(bash.exitValue()).as("bash -n on:%n%s%n%s", script, output).isZero();
        }
    }

    /**
     * The values file the installation passes alone, as {@code helm upgrade --install} does, and every other one on
     * top of it: they are additions to an installation (tracing, a model, MIG), not installations of their own.
     */
    @Test
    void everyValuesFileItShowsRendersWithTheChart(@TempDir Path dir) throws IOException {
        Map<String, Path> valuesFiles = new LinkedHashMap<>();
        for (String values : blocks("yaml").stream().filter(y -> y.startsWith("# values-")).toList()) {
            String name = values.substring(2, values.indexOf('\n'));
            valuesFiles.put(name, Files.writeString(dir.resolve(name), values));
        }
        Matcher install = Pattern.compile("helm upgrade --install .*-f (\\S+\\.yaml)").matcher(String.join("\n", blocks("bash")));
        assertThat(install.find()).as("a helm upgrade --install with a values file").isTrue();
        Path base = valuesFiles.get(install.group(1));

        assertThat(valuesFiles).hasSizeGreaterThanOrEqualTo(3);
        assertThat(base).as(install.group(1)).isNotNull();
        for (Path file : valuesFiles.values()) {
            List<Path> layers = file.equals(base) ? List.of(base) : List.of(base, file);
            assertThat(Chart.render(layers).ofKind("Deployment")).as("%s", layers).hasSize(2);
        }
    }

    @Test
    void everyOtherYamlBlockIsAKubernetesObject() throws IOException {
        for (String yaml : blocks("yaml").stream().filter(y -> !y.startsWith("# values-")).toList()) {
            JsonNode object = Chart.YAML.readTree(yaml);
            assertThat(object.path("apiVersion").asText()).as(yaml).isNotEmpty();
            assertThat(object.path("kind").asText()).as(yaml).isNotEmpty();
        }
    }

    @Test
    void everyValuesFileACommandPassesIsOneTheGuideShows() {
        Matcher option = Pattern.compile("-f (\\S+\\.yaml)").matcher(String.join("\n", blocks("bash")));
        List<String> shown = blocks("yaml").stream().filter(y -> y.startsWith("# values-")).map(y -> y.substring(2, y.indexOf('\n'))).toList();
        int found = 0;
        while (option.find()) {
            assertThat(shown).contains(option.group(1));
            found++;
        }
        assertThat(found).isPositive();
    }

    @Test
    void everyChartValueItNamesExists() {
        Matcher value = CHART_VALUE.matcher(guide);
        List<String> named = new ArrayList<>();
        while (value.find()) {
            named.add(value.group(1));
        }
        assertThat(named).hasSizeGreaterThan(20).allSatisfy(path -> assertThat(declaredValues.contains(path) || declaredValues
                .stream().anyMatch(d -> path.startsWith(d + ".") && isPassThrough(d))).as(path).isTrue());
    }

    /** Values whose children are Kubernetes fields rather than chart values (resources, updateStrategy, ...). */
    private static boolean isPassThrough(String path) {
        return declaredValues.stream().noneMatch(d -> d.startsWith(path + "."));
    }

    @Test
    void everySettingItNamesIsAKeyOfAServiceOrInTheReadmesConfigurationTable() {
        ServiceConfig gateway = ServiceConfig.of(Service.GATEWAY);
        ServiceConfig worker = ServiceConfig.of(Service.WORKER);
        Pattern envName = Pattern.compile("\\b((?:EASEL|QUARKUS|KAFKA)_[A-Z0-9_]+)\\b");
        Set<String> documented = new TreeSet<>();
        for (String row : Repo.read("README.md").split("\n")) {
            String[] cells = row.split("\\|");
            if (row.startsWith("| `") && cells.length > 2) {
                Matcher cell = envName.matcher(cells[2]);
                while (cell.find()) {
                    documented.add(cell.group(1));
                }
            }
        }
        Matcher env = envName.matcher(guide);
        Set<String> named = new TreeSet<>();
        while (env.find()) {
            named.add(env.group(1));
        }
        named.removeAll(CLIENT_VARIABLES);
        assertThat(named).hasSizeGreaterThan(5).allSatisfy(name -> assertThat(
                gateway.keyOf(name).isPresent() || worker.keyOf(name).isPresent() || documented.contains(name)).as(name).isTrue());
    }

    @Test
    void everyMetricAndLabelValueItNamesExists() throws IOException {
        String sources = sources("gateway-service/src/main/java") + sources("worker-service/src/main/java")
                + sources("platform/src/main/java");
        Matcher metric = METRIC.matcher(guide);
        Set<String> named = new TreeSet<>();
        while (metric.find()) {
            named.add(metric.group());
        }
        assertThat(named).hasSizeGreaterThan(10).allSatisfy(name -> assertThat(sources)
                .as(name).contains("\"" + name.replaceAll("_(total|bucket|count|sum|max)$", "") + "\""));

        Set<String> outcomes = new TreeSet<>();
        // The worker's job outcomes, wherever a run settles (JobRunner, DeliveryPolicy).
        Matcher count = Pattern.compile("count\\(\"([a-z_]+)\"").matcher(sources("worker-service/src/main/java/dev/easel/worker/job"));
        while (count.find()) {
            outcomes.add(count.group(1));
        }
        Matcher label = LABEL.matcher(guide);
        int labels = 0;
        while (label.find()) {
            List<String> allowed = switch (label.group(1)) {
                case "outcome" -> List.copyOf(outcomes);
                case "status" -> Stream.of(JobStatus.values()).map(JobStatus::wireName).toList();
                default -> Stream.of(ExecutionProvider.values()).map(ExecutionProvider::wireName).toList();
            };
            assertThat(allowed).as(label.group()).contains(label.group(2));
            labels++;
        }
        assertThat(labels).isPositive();
    }

    @Test
    void everyRepositoryFileItNamesExists() {
        Matcher file = Pattern.compile("`((?:helm|deploy|docs|gateway-service|worker-service|models|common|platform)/[A-Za-z0-9_./-]+|"
                + "docker-compose\\.yml|\\.dockerignore)`").matcher(guide);
        int found = 0;
        while (file.find()) {
            assertThat(Files.exists(Repo.path(file.group(1)))).as(file.group(1)).isTrue();
            found++;
        }
        assertThat(found).isGreaterThan(5);
    }

    @Test
    void theSecretKeysItCreatesAreTheOnesTheChartReads() throws IOException {
        JsonNode values = Chart.YAML.readTree(Chart.DIR.resolve("values.yaml").toFile());
        Set<String> chartKeys = new TreeSet<>();
        for (String section : List.of("kafka", "postgresql", "redis", "storage", "auth")) {
            values.path(section).properties().forEach(f -> {
                if (f.getKey().startsWith("existingSecret") && f.getKey().endsWith("Key")) {
                    chartKeys.add(f.getValue().asText());
                }
            });
        }
        Matcher literal = Pattern.compile("--from-literal=([a-z-]+)=").matcher(guide);
        int found = 0;
        while (literal.find()) {
            assertThat(chartKeys).contains(literal.group(1));
            found++;
        }
        assertThat(found).isEqualTo(6);
    }

    @Test
    void everyCallToTheApiSendsAnApiKey() {
        List<String> calls = new ArrayList<>();
        for (String script : blocks("bash")) {
            for (String command : script.replace("\\\n", " ").split("\n")) {
                if (command.contains("curl ") && command.contains("/v1/")) {
                    calls.add(command);
                }
            }
        }
        assertThat(calls).hasSizeGreaterThanOrEqualTo(5)
                .allSatisfy(call -> assertThat(call).contains("-H \"Authorization: Bearer $EASEL_API_KEY\""));
    }

    @Test
    void theBootstrapKeyItGeneratesHasTheKeyFormat() {
        Matcher assignment = Pattern.compile("(?m)^(?:export )?EASEL_AUTH_BOOTSTRAP_KEY=\\$\\(.*\\)$").matcher(String.join("\n", blocks("bash")));
        int found = 0;
        while (assignment.find()) {
            assertThat(ApiKeyFormat.generate(assignment.group(), "EASEL_AUTH_BOOTSTRAP_KEY")).as(assignment.group()).matches(ApiKeyFormat.KEY);
            found++;
        }
        assertThat(found).isGreaterThanOrEqualTo(2);
    }

    @Test
    void itTellsOperatorsHowToGetInWithTheBootstrapKeyAndHowToRetireIt() {
        assertThat(guide.replaceAll("\\s+", " ")).contains("POST localhost:8080/v1/admin/tenants ")
                .contains("POST localhost:8080/v1/admin/tenants/acme/keys ")
                .contains("DELETE \"localhost:8080/v1/admin/tenants/operators/keys/$BOOTSTRAP_ID\"")
                .contains("`/q/health/*` and `/q/metrics` answer on the management ports (gateway 9080, worker 9081), without a key")
                .contains("(../docs/api.md#authentication-and-permissions)");
        assertThat(Repo.read("docs/api.md")).contains("\n## Authentication and permissions\n");
    }

    @Test
    void everyLinkPointsAtAFileOrHeadingThatExists() {
        Set<String> anchors = new TreeSet<>();
        Matcher heading = Pattern.compile("(?m)^#{1,6} (.+)$").matcher(guide.replaceAll("(?ms)^```.*?^```", ""));
        while (heading.find()) {
            anchors.add(heading.group(1).toLowerCase().replaceAll("[^a-z0-9 -]", "").replace(' ', '-'));
        }
        Matcher link = Pattern.compile("\\]\\(([^)]+)\\)").matcher(guide);
        int found = 0;
        while (link.find()) {
            String target = link.group(1);
            if (target.startsWith("http")) {
                continue;
            }
            if (target.startsWith("#")) {
                assertThat(anchors).contains(target.substring(1));
            } else {
                String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                assertThat(Repo.path("deploy").resolve(file).normalize()).as(target).exists();
            }
            found++;
        }
        assertThat(found).isGreaterThan(10);
        assertThat(Repo.read("README.md")).contains("(deploy/README.md)");
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
