package dev.llmops.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture rules of STYLE.md, checked on the compiled main classes of every module this
 * module depends on (which is all of them).
 */
class ArchitectureTest {
  /** The modules' root packages; each may have an {@code internal} package no other module uses. */
  static final List<String> MODULE_ROOTS =
      List.of("dev.llmops.api", "dev.llmops.core", "dev.llmops.otel", "dev.llmops.testkit", "dev.llmops.openfeature",
          "dev.llmops.eval");

  static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.llmops");
  }

  @Test
  void theImportSeesEveryModule() {
    // Imported for real (not just referenced), so the rules below have something to check.
    assertThat(classes.contain(dev.llmops.api.ChatRequest.class)).isTrue();
    assertThat(classes.contain(dev.llmops.core.LlmClient.class)).isTrue();
    assertThat(classes.contain(dev.llmops.testkit.FakeChatModel.class)).isTrue();
    assertThat(classes.contain(dev.llmops.eval.run.EvalRunner.class)).isTrue();
    assertThat(classes.that(com.tngtech.archunit.base.DescribedPredicate.describe(
        "in dev.llmops.api", c -> c.getPackageName().startsWith("dev.llmops.api")))).hasSizeGreaterThan(20);
  }

  @Test
  void apiDependsOnTheJdkOnly() {
    classes()
        .that().resideInAPackage("dev.llmops.api..")
        .should().onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "dev.llmops.api..", "org.jspecify.annotations..")
        .because("llmops-api is what applications and adapters compile against: JDK only")
        .check(classes);
  }

  @Test
  void onlyTheOtelLibraryModuleSeesOpenTelemetry() {
    noClasses()
        .that().resideInAnyPackage(
            "dev.llmops.api..", "dev.llmops.core..", "dev.llmops.testkit..", "dev.llmops.openfeature..",
            "dev.llmops.eval..")
        .should().dependOnClassesThat().resideInAPackage("io.opentelemetry..")
        .because("only llmops-otel may use OpenTelemetry (applications, like the examples, may)")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void noPackageCycles() {
    slices().matching("dev.llmops.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void nobodyUsesAnotherModulesInternalPackage() {
    for (String root : MODULE_ROOTS) {
      noClasses()
          .that().resideOutsideOfPackage(root + "..")
          .should().dependOnClassesThat().resideInAPackage(root + ".internal..")
          .allowEmptyShould(true)
          .because(root + ".internal is not exported from its module")
          .check(classes);
    }
  }

  @Test
  void theApiModuleHasNoInternalPackage() throws IOException {
    noClasses()
        .that().resideInAPackage("dev.llmops.api..")
        .should().resideInAPackage("..internal..")
        .because("llmops-api holds value types, SPIs and exceptions only; implementation and speed tricks live"
            + " in llmops-core")
        .check(classes);
    ModuleDescriptor api = descriptorOf(dev.llmops.api.ChatRequest.class);
    assertThat(api.packages()).as("llmops-api's packages").isNotEmpty()
        .noneMatch(p -> p.endsWith(".internal") || p.contains(".internal."));
    assertThat(api.exports()).as("llmops-api's exports").noneMatch(ModuleDescriptor.Exports::isQualified);
  }

  /** The capabilities' packages: each is one step of the pipeline, and none knows another. */
  static final List<String> STEP_PACKAGES =
      List.of("accounting", "budget", "cache", "experiment", "prompt", "resilience");

  @Test
  void noStepPackageDependsOnAnother() {
    for (String step : STEP_PACKAGES) {
      String[] others = STEP_PACKAGES.stream()
          .filter(other -> !other.equals(step))
          .map(other -> "dev.llmops.core." + other + "..")
          .toArray(String[]::new);
      noClasses()
          .that().resideInAPackage("dev.llmops.core." + step + "..")
          .should().dependOnClassesThat().resideInAnyPackage(others)
          .because("steps meet only through dev.llmops.core.pipeline (Capability, Wiring, Endpoints, CostGate,"
              + " Rendering) and the API's attributes and events")
          .check(classes);
    }
  }

  @Test
  void theStepsThemselvesAreNotPublic() {
    classes()
        .that().resideInAnyPackage(STEP_PACKAGES.stream().map(p -> "dev.llmops.core." + p + "..").toArray(String[]::new))
        .and().implement(dev.llmops.api.Interceptor.class)
        .should().notBePublic()
        .because("a capability installs its own step; applications only configure it")
        .check(classes);
  }

  @Test
  void wiringTypesAreNotExported() throws IOException {
    ModuleDescriptor core = descriptorOf(dev.llmops.core.LlmClient.class);
    Set<String> exported = new TreeSet<>();
    for (ModuleDescriptor.Exports e : core.exports()) {
      if (!e.isQualified()) {
        exported.add(e.source());
      }
    }
    assertThat(exported).as("llmops-core's exported packages").isNotEmpty()
        .doesNotContain(dev.llmops.core.pipeline.Capability.class.getPackageName())
        .allSatisfy(p -> assertThat(p).doesNotEndWith(".internal").doesNotContain(".internal."));
    classes()
        .that().resideInAPackage("dev.llmops.core.pipeline")
        .should().resideInAPackage("dev.llmops.core.pipeline")
        .check(classes); // the contract types exist where the module does not export them
    assertThat(classes.contain(dev.llmops.core.pipeline.Wiring.class)).isTrue();
  }

  /**
   * llmops-core's public surface stays small (issue 14): at most 80 public top-level types in the
   * packages it exports to everyone. A new event or value type nests in the type it belongs to.
   */
  @Test
  void coreExportsAtMostEightyPublicTopLevelTypes() throws IOException {
    Set<String> exported = new TreeSet<>();
    for (ModuleDescriptor.Exports e : descriptorOf(dev.llmops.core.LlmClient.class).exports()) {
      if (!e.isQualified()) {
        exported.add(e.source());
      }
    }
    List<String> surface = classes.stream()
        .filter(c -> exported.contains(c.getPackageName()))
        .filter(c -> c.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.PUBLIC))
        .filter(c -> c.isTopLevelClass())
        .map(c -> c.getName())
        .sorted()
        .toList();
    assertThat(surface).as("public top-level types of llmops-core's exported packages")
        .contains(dev.llmops.core.LlmClient.class.getName())
        .hasSizeLessThanOrEqualTo(80);
  }

  /** The module descriptor compiled into the jar or classes directory {@code type} was loaded from. */
  static ModuleDescriptor descriptorOf(Class<?> type) throws IOException {
    Path location;
    try {
      location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IOException(e);
    }
    if (Files.isDirectory(location)) {
      try (InputStream in = Files.newInputStream(location.resolve("module-info.class"))) {
        return ModuleDescriptor.read(in);
      }
    }
    try (JarFile jar = new JarFile(location.toFile())) {
      try (InputStream in = jar.getInputStream(jar.getEntry("module-info.class"))) {
        return ModuleDescriptor.read(in);
      }
    }
  }
}
