package dev.easel.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** values.schema.json is strict, and values.yaml documents every value the schema declares, by name. */
class ChartValuesTest {

    private static final Pattern KEY_LINE = Pattern.compile("^( *)([A-Za-z][A-Za-z0-9]*):(?: .*)?$");

    @ParameterizedTest
    @CsvSource({
            "worker.slot, 2, slot",
            "worker.gpu.enable, true, enable",
            "gateway.ingress.enable, true, enable",
            "workers.keda.enabled, true, workers",
            "storage.existingSecrets, s3, existingSecrets",
            "auth.peper, 0123456789abcdef0123456789abcdef, peper",
    })
    void aTypoInAValueNameFailsSchemaValidation(String name, String value, String unknown) {
        assertThatThrownBy(() -> Chart.render(null, Map.of(name, value)))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("'" + unknown + "'");
    }

    @Test
    void aTypoInAValuesFileFailsSchemaValidation(@TempDir Path dir) throws IOException {
        Path values = Files.writeString(dir.resolve("values.yaml"), """
                worker:
                  gpu:
                    enabled: true
                    resourceNmae: nvidia.com/mig-1g.10gb
                """);

        assertThatThrownBy(() -> Chart.render(List.of(values))).hasMessageContaining("resourceNmae");
    }

    @ParameterizedTest
    @CsvSource({
            "worker.slots, two",
            "worker.gpu.resourceName, amd.com/gpu",
            "worker.keda.trigger, kafka",
            "postgresql.jdbcUrl, postgresql://db:5432/easel",
            "storage.presignTtl, an hour",
            "auth.bootstrapKey, easel_sk_tooshort_secret",
            "auth.enabled, yes",
            "auth.bootstrapTenant, Operators",
            "auth.keyCacheTtl, a second",
    })
    void aValueOfTheWrongShapeFailsSchemaValidation(String name, String value) {
        assertThatThrownBy(() -> Chart.render(null, Map.of(name, value)))
                .hasMessageContaining("values don't meet the specifications of the schema");
    }

    @Test
    void theChartsOwnDefaultsWithAPepperAndEveryCiFilePassTheSchema() throws IOException {
        assertThat(Chart.render(null, Map.of("auth.pepper", "0123456789abcdef0123456789abcdef")).ofKind("Deployment")).hasSize(2);
        HelmChartTest.ciValues().forEach(values -> assertThat(Chart.render(values).ofKind("Deployment")).as(values).hasSize(2));
    }

    @Test
    void theSchemaTakesABootstrapKeyOnlyInTheKeyFormatOrNone() throws IOException {
        JsonNode schema = new ObjectMapper().readTree(Chart.DIR.resolve("values.schema.json").toFile());

        assertThat(schema.at("/properties/auth/properties/bootstrapKey/pattern").asText()).isEqualTo("^(" + ApiKeyFormat.KEY.pattern() + ")?$");
        assertThat(schema.at("/properties/auth/additionalProperties").asBoolean(true)).isFalse();
    }

    @Test
    void everyValueTheSchemaDeclaresIsInValuesYamlUnderACommentStartingWithItsName() throws IOException {
        JsonNode schema = new ObjectMapper().readTree(Chart.DIR.resolve("values.schema.json").toFile());
        Set<String> declared = new TreeSet<>();
        declaredPaths(schema, "", declared);
        Map<String, String> documented = documentedPaths(Files.readAllLines(Chart.DIR.resolve("values.yaml")), declared);

        assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(declared);
        documented.forEach((path, comment) -> assertThat(comment)
                .as("the comment above %s", path)
                .startsWith("# " + path.substring(path.lastIndexOf('.') + 1) + " "));
    }

    /** Paths of the properties the schema declares one by one (maps with free keys, such as labels, are leaves). */
    private static void declaredPaths(JsonNode schema, String prefix, Set<String> paths) {
        schema.path("properties").properties().forEach(property -> {
            String path = prefix.isEmpty() ? property.getKey() : prefix + "." + property.getKey();
            paths.add(path);
            declaredPaths(property.getValue(), path, paths);
        });
    }

    /** Each declared path found in values.yaml, with the first line of the comment right above it ("" if none). */
    private static Map<String, String> documentedPaths(List<String> lines, Set<String> declared) {
        Map<String, String> documented = new LinkedHashMap<>();
        Deque<Map.Entry<Integer, String>> stack = new ArrayDeque<>();
        String comment = "";
        for (String line : lines) {
            String stripped = line.strip();
            if (stripped.startsWith("#")) {
                comment = comment.isEmpty() ? stripped : comment;
                continue;
            }
            Matcher key = KEY_LINE.matcher(line);
            if (key.matches()) {
                int indent = key.group(1).length();
                while (!stack.isEmpty() && stack.peek().getKey() >= indent) {
                    stack.pop();
                }
                List<String> names = new ArrayList<>();
                stack.descendingIterator().forEachRemaining(e -> names.add(e.getValue()));
                names.add(key.group(2));
                String path = String.join(".", names);
                stack.push(Map.entry(indent, key.group(2)));
                if (declared.contains(path)) {
                    documented.put(path, comment);
                }
            }
            comment = "";
        }
        return documented;
    }
}
