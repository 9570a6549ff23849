package dev.easel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/api.md} is the contract: every error code the code can give a client (a problem's {@code code}, a
 * field violation's, a failed job's {@code error.code}) is in it. The codes are found in the sources where they are
 * written: problems and API exceptions, the violation constants, job errors and the engine's and worker's failures.
 */
public class ApiDocsTest {

    private static final List<Pattern> CODE_SITES = List.of(
            Pattern.compile("new ApiException\\(\\d+, \"(\\w+)\""),
            Pattern.compile("Problem\\.of\\(\\d+, \"(\\w+)\""),
            Pattern.compile("(?:JobError\\.reported|new JobError|new TransientJobException|new EngineException"
                    + "|new InvalidInputException|failed)\\(\"(\\w+)\""));
    /** Constants that are codes by definition: the violation codes. */
    private static final Pattern CODE_CONSTANT = Pattern.compile("static final String \\w+ = \"(\\w+)\"");
    /** The problem codes the REST layer's own exceptions map to. */
    private static final Pattern MAPPED_CODE = Pattern.compile("-> \"(\\w+)\"");

    @Test
    void everyErrorCodeTheCodeGivesIsInTheContract() throws IOException {
        Path root = repositoryRoot();
        String contract = Files.readString(root.resolve("docs/api.md"));
        Set<String> codes = new TreeSet<>();
        for (String module : List.of("gateway-service", "common", "worker-service", "engine")) {
            try (Stream<Path> sources = Files.walk(root.resolve(module).resolve("src/main/java"))) {
                sources.filter(p -> p.toString().endsWith(".java")).forEach(p -> codes.addAll(codesIn(p)));
            }
        }
        // The scan itself must keep finding the codes, or this test proves nothing.
        assertThat(codes).contains("invalid_request", "not_found", "payload_too_large", "unknown_field",
                "out_of_range", "run_timeout", "queue_rejected", "delivery_limit_reached", "inference_failed");
        assertThat(codes).allSatisfy(code -> assertThat(contract).as("docs/api.md names `%s`", code)
                .contains("`" + code + "`"));
    }

    private static Set<String> codesIn(Path source) {
        String text;
        try {
            text = Files.readString(source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> codes = new TreeSet<>();
        List<Pattern> patterns = new ArrayList<>(CODE_SITES);
        String name = source.getFileName().toString();
        if (name.equals("Violation.java")) {
            patterns.add(CODE_CONSTANT);
        }
        if (name.equals("ProblemMappers.java")) {
            patterns.add(MAPPED_CODE);
        }
        for (Pattern pattern : patterns) {
            Matcher matcher = pattern.matcher(text);
            while (matcher.find()) {
                codes.add(matcher.group(1));
            }
        }
        return codes;
    }

    public static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/api.md"))) {
                return dir;
            }
        }
        throw new IllegalStateException("docs/api.md not found above " + Path.of("").toAbsolutePath());
    }
}
