package dev.easel.deploy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The configuration keys one service reads, derived from the service itself: the keys of its
 * {@code application.properties} and every property of the {@code @ConfigMapping} interfaces in its classes and in
 * {@code platform}. Keys under {@code kafka.} pass through to the Kafka clients, so any Kafka client setting counts.
 * Environment variables map to keys the MicroProfile way: upper case, every character other than a letter or digit
 * an underscore ({@code easel.worker.slots} is {@code EASEL_WORKER_SLOTS}).
 */
final class ServiceConfig {

    /** A service and the classes whose code sources hold its mapping interfaces. */
    enum Service {
        GATEWAY("gateway-service", "dev.easel.gateway.rest.ApiConfig"),
        WORKER("worker-service", "dev.easel.worker.WorkerConfig");

        private final String module;
        private final String anchor;

        Service(String module, String anchor) {
            this.module = module;
            this.anchor = anchor;
        }
    }

    /** One property: its name ({@code *} for a map key), whether it has no default, its default and its Java type. */
    record Key(String name, boolean required, String defaultValue, Class<?> type) {
    }

    private static final String PLATFORM_ANCHOR = "dev.easel.platform.storage.StorageConfig";
    /** Secrets a deployment supplies: the service's default, if any, only fits the local stack. */
    private static final Set<String> CREDENTIAL_NAMES = Set.of("username", "password", "access-key-id", "secret-access-key",
            "pepper");
    private static final Set<String> KAFKA_CLIENT_NAMES = kafkaClientNames();

    private final Service service;
    private final Map<String, Key> keys;
    private final Map<String, String> properties;

    private ServiceConfig(Service service, Map<String, Key> keys, Map<String, String> properties) {
        this.service = service;
        this.keys = keys;
        this.properties = properties;
    }

    static ServiceConfig of(Service service) {
        Map<String, String> properties = applicationProperties(service);
        Map<String, Key> keys = new LinkedHashMap<>();
        for (Class<?> mapping : mappingInterfaces(service)) {
            collect(mapping, mapping.getAnnotation(ConfigMapping.class).prefix(), keys);
        }
        properties.forEach((name, value) -> keys.merge(name, new Key(name, false, value, String.class),
                (mapped, file) -> new Key(mapped.name(), false, value, mapped.type())));
        return new ServiceConfig(service, keys, properties);
    }

    Service service() {
        return service;
    }

    Set<String> keys() {
        return new TreeSet<>(keys.keySet());
    }

    /** The default the service falls back to for a key: its application.properties value, else its mapping's. */
    Optional<String> defaultOf(String key) {
        return Optional.ofNullable(keys.get(key)).map(Key::defaultValue);
    }

    /** Whether the service reads this key (map keys of the model catalog match their {@code *} segment). */
    boolean knows(String key) {
        if (keys.containsKey(key)) {
            return true;
        }
        if (key.startsWith("kafka.") && KAFKA_CLIENT_NAMES.contains(key.substring("kafka.".length()))) {
            return true;
        }
        return keys.keySet().stream().filter(k -> k.contains("*")).anyMatch(k -> wildcard(k, "[^.]+").matcher(key).matches());
    }

    /** The key an environment variable sets, if the service reads one by that name. */
    Optional<String> keyOf(String envName) {
        for (String key : keys.keySet()) {
            if (key.contains("*") ? wildcard(envForm(key), "[A-Z0-9_]+").matcher(envName).matches() : envForm(key).equals(envName)) {
                return Optional.of(key);
            }
        }
        if (envName.startsWith("KAFKA_")) {
            String key = "kafka." + envName.substring("KAFKA_".length()).toLowerCase().replace('_', '.');
            return knows(key) ? Optional.of(key) : Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * Keys a deployment must set, because what the service falls back to only fits the local stack of
     * {@code deploy/local}: properties with no default at all, defaults that point at the loopback interface,
     * credentials and the pepper API keys are hashed under, and relative paths (which depend on the working directory).
     */
    Set<String> requiredForDeployment() {
        Set<String> required = new TreeSet<>();
        for (Key key : keys.values()) {
            if (key.name().contains("*")) {
                continue;
            }
            String value = key.defaultValue();
            String last = key.name().substring(key.name().lastIndexOf('.') + 1);
            if (key.required()
                    || (value != null && (value.contains("127.0.0.1") || value.contains("localhost")))
                    || CREDENTIAL_NAMES.contains(last)
                    || (key.type() == Path.class && value != null && !value.startsWith("/"))) {
                required.add(key.name());
            }
        }
        return required;
    }

    /** {@code easel.worker.slots} → {@code EASEL_WORKER_SLOTS}. */
    static String envForm(String key) {
        return key.toUpperCase().replaceAll("[^A-Z0-9*]", "_");
    }

    private static Pattern wildcard(String key, String segment) {
        return Pattern.compile(Arrays.stream(key.split("\\*", -1)).map(Pattern::quote)
                .reduce((a, b) -> a + segment + b).orElseThrow());
    }

    private static Map<String, String> applicationProperties(Service service) {
        Properties file = new Properties();
        try {
            file.load(new StringReader(Repo.read(service.module + "/src/main/resources/application.properties")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        file.stringPropertyNames().stream().filter(name -> !name.startsWith("%")).sorted()
                .forEach(name -> properties.put(name, file.getProperty(name)));
        return properties;
    }

    private static List<Class<?>> mappingInterfaces(Service service) {
        List<Class<?>> found = new ArrayList<>();
        for (String anchor : List.of(service.anchor, PLATFORM_ANCHOR)) {
            Path source = codeSource(anchor);
            for (String className : classesNaming(source, "Lio/smallrye/config/ConfigMapping;")) {
                try {
                    Class<?> type = Class.forName(className, false, ServiceConfig.class.getClassLoader());
                    if (type.isAnnotationPresent(ConfigMapping.class)) {
                        found.add(type);
                    }
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        found.sort(Comparator.comparing(Class::getName));
        if (found.isEmpty()) {
            throw new IllegalStateException("no @ConfigMapping interface found for " + service);
        }
        return found;
    }

    private static Path codeSource(String className) {
        try {
            Class<?> anchor = Class.forName(className, false, ServiceConfig.class.getClassLoader());
            return Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (ClassNotFoundException | URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Names of the classes in a jar or class folder whose bytes mention {@code descriptor}. */
    private static List<String> classesNaming(Path source, String descriptor) {
        byte[] needle = descriptor.getBytes(StandardCharsets.UTF_8);
        List<String> names = new ArrayList<>();
        try {
            if (Files.isDirectory(source)) {
                try (Stream<Path> files = Files.walk(source)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                        if (contains(Files.readAllBytes(file), needle)) {
                            names.add(className(source.relativize(file).toString()));
                        }
                    }
                }
            } else {
                try (ZipFile jar = new ZipFile(source.toFile())) {
                    for (var entry : jar.stream().filter(e -> e.getName().endsWith(".class")).toList()) {
                        try (InputStream in = jar.getInputStream(entry)) {
                            if (contains(in.readAllBytes(), needle)) {
                                names.add(className(entry.getName()));
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    private static String className(String path) {
        return path.substring(0, path.length() - ".class".length()).replace('\\', '/').replace('/', '.');
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Adds the properties of one mapping interface (or group) under {@code prefix}. */
    private static void collect(Class<?> type, String prefix, Map<String, Key> keys) {
        for (Method method : type.getMethods()) {
            if (method.getParameterCount() != 0 || method.isDefault() || Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            String name = method.isAnnotationPresent(WithName.class) ? method.getAnnotation(WithName.class).value() : kebab(method.getName());
            String key = method.isAnnotationPresent(WithParentName.class) ? prefix : prefix + "." + name;
            Type returned = method.getGenericReturnType();
            Class<?> raw = raw(returned);
            boolean optional = raw == Optional.class || raw == OptionalInt.class || raw == OptionalLong.class || raw == OptionalDouble.class;
            if (raw == Optional.class) {
                returned = ((ParameterizedType) returned).getActualTypeArguments()[0];
                raw = raw(returned);
            }
            if (Map.class.isAssignableFrom(raw)) {
                Class<?> values = raw(((ParameterizedType) returned).getActualTypeArguments()[1]);
                if (isGroup(values)) {
                    collect(values, key + ".*", keys);
                } else {
                    keys.put(key + ".*", new Key(key + ".*", false, null, values));
                }
            } else if (isGroup(raw)) {
                collect(raw, key, keys);
            } else {
                String defaultValue = method.isAnnotationPresent(WithDefault.class) ? method.getAnnotation(WithDefault.class).value() : null;
                keys.put(key, new Key(key, !optional && defaultValue == null, defaultValue, raw));
            }
        }
    }

    private static boolean isGroup(Class<?> type) {
        return type.isInterface() && !type.getName().startsWith("java.");
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalStateException("unexpected type " + type);
    }

    /** SmallRye's default naming: {@code accessKeyId} → {@code access-key-id}. */
    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static Set<String> kafkaClientNames() {
        Set<String> names = new HashSet<>(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return Set.copyOf(names);
    }
}
