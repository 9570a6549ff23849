package dev.easel.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.easel.gateway.store.JobEntity;
import org.junit.jupiter.api.Test;

/**
 * The gateway's layout as rules: packages by role with no import loop between them, HTTP known only to
 * {@code rest}, a job's status written only by {@code lifecycle}, the outbox relay known only to {@code store}.
 */
class ArchitectureTest {

    private static final JavaClasses GATEWAY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.easel.gateway");

    @Test
    void packagesHaveNoImportLoop() {
        slices().matching("dev.easel.gateway.(*)..").should().beFreeOfCycles().check(GATEWAY);
    }

    @Test
    void onlyRestKnowsHttp() {
        noClasses().that().resideOutsideOfPackage("dev.easel.gateway.rest..")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta.ws.rs..", "org.jboss.resteasy..",
                        "io.vertx.ext.web..", "io.vertx.core.http..", "io.quarkus.vertx.http..")
                .check(GATEWAY);
    }

    @Test
    void onlyLifecycleWritesAJobsStatus() {
        noClasses().that().resideOutsideOfPackage("dev.easel.gateway.lifecycle..")
                .should().setField(JobEntity.class, "status")
                .check(GATEWAY);
    }

    @Test
    void onlyStoreReachesTheOutboxRelay() {
        noClasses().that().resideOutsideOfPackage("dev.easel.gateway.store..")
                .should().dependOnClassesThat().haveSimpleName("OutboxRelay")
                .check(GATEWAY);
    }
}
