package dev.easel.worker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import dev.easel.common.event.DeadLetter;
import dev.easel.common.event.JobEvent;
import dev.easel.worker.job.EventPublisher;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.junit.jupiter.api.Test;

/**
 * The worker's layout as rules: no import loop between its packages, each package used only from the ones above
 * it, job events published only by {@code job}, the share group consumed only by {@code queue}, object storage
 * reached only through {@code storage}.
 */
class ArchitectureTest {

    private static final String WORKER = "dev.easel.worker";

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(WORKER);

    /**
     * One slice per package under the worker's root, and the root itself (its configuration) as one more:
     * {@code slices().matching("dev.easel.worker.(*)..")} would leave the root out, and with it a loop through
     * {@link WorkerConfig}.
     */
    private static final SliceAssignment PACKAGES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String name = javaClass.getPackageName();
            if (name.equals(WORKER)) {
                return SliceIdentifier.of("(root)");
            }
            if (name.startsWith(WORKER + ".")) {
                return SliceIdentifier.of(name.substring(WORKER.length() + 1).split("\\.")[0]);
            }
            return SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "the worker's packages, its root included";
        }
    };

    @Test
    void packagesHaveNoImportLoop() {
        slices().assignedFrom(PACKAGES).should().beFreeOfCycles().check(CLASSES);
    }

    /**
     * Who may use whom: a slot ({@code queue}) runs a job ({@code job}), which uses the model, the similar-prompt
     * index ({@code cache}) and {@code storage}; heartbeats and the cluster integration read the slots. Everything
     * may read the worker's configuration.
     */
    @Test
    void packagesAreUsedOnlyFromAbove() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("configuration").definedBy(WORKER)
                .layer("storage").definedBy(WORKER + ".storage..")
                .layer("model").definedBy(WORKER + ".model..")
                .layer("cache").definedBy(WORKER + ".cache..")
                .layer("job").definedBy(WORKER + ".job..")
                .layer("queue").definedBy(WORKER + ".queue..")
                .layer("heartbeat").definedBy(WORKER + ".heartbeat..")
                .layer("cluster").definedBy(WORKER + ".cluster..")
                .whereLayer("storage").mayOnlyBeAccessedByLayers("cache", "job")
                .whereLayer("cache").mayOnlyBeAccessedByLayers("job")
                .whereLayer("model").mayOnlyBeAccessedByLayers("job", "queue", "heartbeat")
                .whereLayer("job").mayOnlyBeAccessedByLayers("queue")
                .whereLayer("queue").mayOnlyBeAccessedByLayers("heartbeat", "cluster")
                .whereLayer("heartbeat").mayNotBeAccessedByAnyLayer()
                .whereLayer("cluster").mayNotBeAccessedByAnyLayer()
                .check(CLASSES);
    }

    /** A job's events leave in seq order through its run's lane: nothing else may publish one. */
    @Test
    void onlyJobPublishesJobEvents() {
        noClasses().that().resideOutsideOfPackage(WORKER + ".job..")
                .should().dependOnClassesThat().belongToAnyOf(JobEvent.class, DeadLetter.class, EventPublisher.class)
                .check(CLASSES);
    }

    /** A slot holds at most one record: a share consumer anywhere else would acquire records no slot runs. */
    @Test
    void onlyQueueConsumesTheShareGroup() {
        noClasses().that().resideOutsideOfPackage(WORKER + ".queue..")
                .should().dependOnClassesThat().areAssignableTo(ShareConsumer.class)
                .check(CLASSES);
    }

    @Test
    void onlyStorageReachesObjectStorage() {
        noClasses().that().resideOutsideOfPackage(WORKER + ".storage..")
                .should().dependOnClassesThat().resideInAPackage("software.amazon.awssdk..")
                .check(CLASSES);
    }
}
