package io.shoal.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import org.junit.jupiter.api.Test;

/**
 * The packages are the pipeline: imports flow down the pipeline and into the pure engine, never in a circle. Held on
 * the production classes (tests may reach across).
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.shoal");

    @Test
    void theSegmentationEngineImportsNothingOfTheProjectAndNoFramework() {
        classes().that().resideInAPackage("io.shoal.segmentation..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.shoal.segmentation..", "java..")
                .because("segmentation is the pure engine both drivers run: no CDI, Mutiny, Redis or JPA")
                .check(CLASSES);
    }

    @Test
    void theRecommendationRulesArePureToo() {
        classes().that().resideInAPackage("io.shoal.recommendation..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.shoal.recommendation..", "java..")
                .because("the service, the evaluation and the benchmarks run the same recommendation rules")
                .check(CLASSES);
    }

    @Test
    void noCyclesBetweenPackages() {
        slices().matching("io.shoal.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void sharedEventRecordsDependOnNoStage() {
        classes().that().resideInAPackage("io.shoal.event..")
                .should().onlyDependOnClassesThat().resideOutsideOfPackages("io.shoal.pipeline..", "io.shoal.kafka..",
                        "io.shoal.ingest..", "io.shoal.segmenting..", "io.shoal.query..", "io.shoal.store..",
                        "io.shoal.inference..", "io.shoal.audit..")
                .check(CLASSES);
    }

    @Test
    void theBatchingRuntimeKnowsNoTransportAndNoStage() {
        noClasses().that().resideInAPackage("io.shoal.pipeline..")
                .should().dependOnClassesThat().resideInAnyPackage("io.shoal.kafka..", "io.shoal.segmenting..",
                        "io.shoal.inference..", "io.shoal.query..", "io.shoal.ingest..")
                .check(CLASSES);
    }
}
