package dev.easel.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

/**
 * The engine as a library: it runs inside the worker and on its own ({@code EngineCli}), so it knows nothing of
 * the services around it (no application framework, broker, Redis or cloud SDK); its packages have no import loop;
 * ONNX Runtime and the tokenizer library are known only to {@code model}; nothing depends on the command line.
 */
class ArchitectureTest {

    private static final String ENGINE = "dev.easel.engine";

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ENGINE);

    /** One slice per package under the engine's root, and the root itself (exceptions, noise, timings) as one more. */
    private static final SliceAssignment PACKAGES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String name = javaClass.getPackageName();
            if (name.equals(ENGINE)) {
                return SliceIdentifier.of("(root)");
            }
            if (name.startsWith(ENGINE + ".")) {
                return SliceIdentifier.of(name.substring(ENGINE.length() + 1).split("\\.")[0]);
            }
            return SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "the engine's packages, its root included";
        }
    };

    @Test
    void knowsNoApplicationFramework() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta..",
                        "org.eclipse.microprofile..", "io.smallrye..", "io.vertx..")
                .check(CLASSES);
    }

    @Test
    void reachesNoBrokerRedisOrCloud() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "io.quarkus.redis..",
                        "io.vertx.redis..", "redis.clients..", "io.lettuce..", "org.redisson..", "software.amazon..",
                        "com.amazonaws..")
                .check(CLASSES);
    }

    @Test
    void packagesHaveNoImportLoop() {
        slices().assignedFrom(PACKAGES).should().beFreeOfCycles().check(CLASSES);
    }

    /** The execution backend stays behind {@code model}: a pipeline or scheduler never holds a session or tensor. */
    @Test
    void onlyModelReachesOnnxRuntimeAndTheTokenizers() {
        noClasses().that().resideOutsideOfPackage(ENGINE + ".model..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.onnxruntime..", "ai.djl..")
                .check(CLASSES);
    }

    @Test
    void nothingDependsOnTheCommandLine() {
        noClasses().that().resideOutsideOfPackage(ENGINE + ".cli..")
                .should().dependOnClassesThat().resideInAPackage(ENGINE + ".cli..")
                .check(CLASSES);
    }
}
