package dev.easel.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The helm/easel chart, linted and rendered by the Helm SDK that helm-java embeds. */
final class Chart {

    static final Path DIR = Repo.path("helm/easel");
    static final String RELEASE = "easel";
    static final String NAMESPACE = "imaging";
    /** Helm's offline default is v1.20, older than the chart supports. */
    static final String KUBE_VERSION = "1.31.0";
    static final YAMLMapper YAML = new YAMLMapper();

    private Chart() {
    }

    static LintResult lint() {
        return new Helm(DIR).lint().strict().call();
    }

    /** Renders with the chart's values plus {@code ci/<name>} (null: none) and {@code --set} pairs. */
    static Manifests render(String ciValues, Map<String, Object> sets) {
        TemplateCommand template = new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
        if (ciValues != null) {
            template.withValuesFile(DIR.resolve("ci").resolve(ciValues));
        }
        sets.forEach(template::set);
        return Manifests.parse(template.call());
    }

    static Manifests render(String ciValues) {
        return render(ciValues, Map.of());
    }

    /** Renders with values files given as paths. */
    static Manifests render(List<Path> valuesFiles) {
        TemplateCommand template = new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
        valuesFiles.forEach(template::withValuesFile);
        return Manifests.parse(template.call());
    }

    /** The rendered objects. */
    record Manifests(List<JsonNode> objects) {

        static Manifests parse(String yaml) {
            List<JsonNode> objects = new ArrayList<>();
            try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
                while (documents.hasNext()) {
                    JsonNode document = documents.next();
                    if (document != null && document.isObject()) {
                        objects.add(document);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("helm rendered YAML that does not parse", e);
            }
            return new Manifests(List.copyOf(objects));
        }

        List<JsonNode> ofKind(String kind) {
            return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
        }

        boolean has(String kind, String name) {
            return ofKind(kind).stream().anyMatch(o -> o.path("metadata").path("name").asText().equals(name));
        }

        JsonNode get(String kind, String name) {
            return ofKind(kind).stream().filter(o -> o.path("metadata").path("name").asText().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " among " + names()));
        }

        /** The one container of a component's Deployment ({@code gateway} or {@code worker}). */
        JsonNode container(String component) {
            return podSpec(component).path("containers").get(0);
        }

        JsonNode podSpec(String component) {
            return get("Deployment", RELEASE + "-" + component).path("spec").path("template").path("spec");
        }

        /**
         * Environment variable names the container gets: its {@code env} entries and the data keys of the ConfigMaps
         * it takes as {@code envFrom}.
         */
        List<String> envNames(String component) {
            JsonNode container = container(component);
            List<String> names = new ArrayList<>();
            container.path("env").forEach(e -> names.add(e.path("name").asText()));
            for (JsonNode source : container.path("envFrom")) {
                String configMap = source.path("configMapRef").path("name").asText();
                get("ConfigMap", configMap).path("data").fieldNames().forEachRemaining(names::add);
            }
            return names;
        }

        /** The value an environment variable gets from the container's env entries or envFrom ConfigMaps; null if none. */
        String envValue(String component, String name) {
            JsonNode container = container(component);
            for (JsonNode e : container.path("env")) {
                if (e.path("name").asText().equals(name) && e.has("value")) {
                    return e.path("value").asText();
                }
            }
            for (JsonNode source : container.path("envFrom")) {
                JsonNode data = get("ConfigMap", source.path("configMapRef").path("name").asText()).path("data");
                if (data.has(name)) {
                    return data.path(name).asText();
                }
            }
            return null;
        }

        /** The env entry of that name, with its valueFrom. */
        JsonNode envEntry(String component, String name) {
            for (JsonNode e : container(component).path("env")) {
                if (e.path("name").asText().equals(name)) {
                    return e;
                }
            }
            throw new AssertionError("no env entry " + name + " in the " + component + " container");
        }

        private List<String> names() {
            return objects.stream().map(o -> o.path("kind").asText() + "/" + o.path("metadata").path("name").asText()).toList();
        }
    }
}
