package dev.llmops.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds third-party conformance material (GrowthBook cases, provider wire examples, tokenizer
 * vectors, ...) in the {@code shared/data} folder that sits beside the repository. The material is
 * never copied into the repository.
 *
 * <p>Where the folder is absent (a clone elsewhere) the calling test is skipped with a message
 * saying so; with the system property {@code llmops.requireConformanceData=true} (CI passes it) it
 * fails instead, so CI always runs the conformance tests.
 */
public final class ConformanceData {
  /** The system property that turns a missing folder into a failure. */
  public static final String REQUIRE_PROPERTY = "llmops.requireConformanceData";

  /** Whether this JVM has said, once, why conformance tests skip. */
  static final AtomicBoolean NOTICED = new AtomicBoolean();

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
    String where = data == null ? "(repository root not found)" : data.toString();
    String message =
        "conformance material '" + relative + "' not found under ../shared/data " + where
            + ": it lives beside the repository, not in it";
    if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
      throw new IllegalStateException(message + " (required: -D" + REQUIRE_PROPERTY + "=true)");
    }
    if (NOTICED.compareAndSet(false, true)) {
      // Skip reasons otherwise reach only the XML reports: say it once on the console.
      System.err.println("llmops: conformance tests skip: third-party material is not in ../shared/data "
          + where + " (it lives beside the repository, never in it; see the README, 'Building'). "
          + "-D" + REQUIRE_PROPERTY + "=true (CI) makes them fail instead.");
    }
    Assumptions.abort(message + "; test skipped");
    throw new AssertionError("unreachable");
  }

  private static @Nullable Path repositoryRoot() {
    String configured = System.getProperty("llmops.repositoryRoot");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isDirectory(dir.resolve(".mvn"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    return null;
  }
}
