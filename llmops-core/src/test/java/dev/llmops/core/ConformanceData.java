package dev.llmops.core;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds third-party conformance material (LiteLLM's price catalog, tokenizer vectors, ...) in the
 * {@code shared/data} folder beside the repository, for core's own tests: core cannot use the
 * testkit's {@code ConformanceData}, as the testkit depends on core. The material is never copied
 * into the repository.
 *
 * <p>Where the folder is absent (a clone elsewhere) the calling test is skipped with a message
 * saying so; with the system property {@code llmops.requireConformanceData=true} (CI passes it) it
 * fails instead.
 */
public final class ConformanceData {
  private static final String REQUIRE_PROPERTY = "llmops.requireConformanceData";

  private ConformanceData() {}

  /**
   * The path of {@code relative} under {@code ../shared/data}, resolved from the repository root
   * (the system property {@code llmops.repositoryRoot}, else the nearest folder above the working
   * directory that holds {@code .mvn}).
   *
   * @throws org.opentest4j.TestAbortedException (skips the test) if the file is absent and not required
   * @throws IllegalStateException if the file is absent and required
   */
  public static Path file(String relative) {
    Path root = repositoryRoot();
    Path data = root == null ? null : root.resolve("..").resolve("shared").resolve("data").normalize();
    Path file = data == null ? null : data.resolve(relative);
    if (file != null && Files.exists(file)) {
      return file;
    }
    String message = "conformance material '" + relative + "' not found under ../shared/data "
        + (data == null ? "(repository root not found)" : data.toString()) + ": it lives beside the repository, not in it";
    if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
      throw new IllegalStateException(message + " (required: -D" + REQUIRE_PROPERTY + "=true)");
    }
    Assumptions.abort(message + "; test skipped");
    throw new AssertionError("unreachable");
  }

  private static @Nullable Path repositoryRoot() {
    String configured = System.getProperty("llmops.repositoryRoot");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve(".mvn"))) {
        return dir;
      }
    }
    return null;
  }
}
