package dev.llmops.examples;

import java.nio.file.Path;

/** The repository root for tests in other packages (ReadmeTest's is package-private). */
public final class ReadmeTestAccess {
  private ReadmeTestAccess() {}

  /** The repository root. */
  public static Path root() {
    return ReadmeTest.root();
  }
}
