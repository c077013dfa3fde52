package dev.fanout.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The house's layering, checked over the compiled production classes: features on top
 * (users, profile, sync, ops), the request edge (http) beside them, and toolkits below that
 * know no feature. No two packages may depend on each other, directly or round a cycle.
 */
@AnalyzeClasses(packages = "dev.fanout", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    private static final String[] FEATURES = { "dev.fanout.users..", "dev.fanout.profile..", "dev.fanout.sync..",
            "dev.fanout.ops.." };
    private static final String[] TOOLKITS = { "dev.fanout.concurrent..", "dev.fanout.errors..", "dev.fanout.problem..",
            "dev.fanout.upstream..", "dev.fanout.database..", "dev.fanout.lambda..", "dev.fanout.observability..", "dev.fanout.internals.." };

    @ArchTest
    static final ArchRule toolkitsKnowNoFeature = noClasses().that().resideInAnyPackage(TOOLKITS)
            .should().dependOnClassesThat().resideInAnyPackage(FEATURES)
            .because("a toolkit serves every feature and knows none of them");

    @ArchTest
    static final ArchRule toolkitsKnowNoRequestEdge = noClasses().that().resideInAnyPackage(TOOLKITS)
            .should().dependOnClassesThat().resideInAPackage("dev.fanout.http..")
            .because("the edge uses the toolkits, not the other way round");

    @ArchTest
    static final ArchRule observabilityNamesNoOnesMeters = noClasses().that().resideInAPackage("dev.fanout.observability..")
            .should().dependOnClassesThat().resideInAnyPackage(FEATURES)
            .orShould().dependOnClassesThat().resideInAnyPackage("dev.fanout.upstream..", "dev.fanout.database..")
            .because("each feature and toolkit names and configures its own meters; observability only exports them");

    @ArchTest
    static final ArchRule concurrencyKnowsNoTransport = noClasses().that().resideInAPackage("dev.fanout.concurrent..")
            .should().dependOnClassesThat().resideInAnyPackage("jakarta.ws.rs..", "io.vertx..", "dev.fanout.problem..",
                    "dev.fanout.lambda..", "dev.fanout.http..")
            .because("deadlines, parts and permits are the same over HTTP, SQS or a test");

    @ArchTest
    static final ArchRule noCycleBetweenPackages = slices().matching("dev.fanout.(*)..").should().beFreeOfCycles();
}
