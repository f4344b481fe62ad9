/**
 * The llmops testkit: fake chat models with fault injection, a test clock with a manual scheduler,
 * a recording listener and a JUnit 5 extension.
 */
module dev.llmops.testkit {
  requires transitive dev.llmops.api;
  requires transitive dev.llmops.core;
  requires transitive org.junit.jupiter.api;
  requires static transitive org.jspecify;

  exports dev.llmops.testkit;
  exports dev.llmops.testkit.junit5;
}
