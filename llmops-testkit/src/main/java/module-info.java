/**
 * The llmops testkit: fake chat models with fault injection, a test clock with a manual scheduler,
 * a recording listener, a JUnit 5 extension, a fake OpenAI-compatible HTTP server, and record and
 * replay of model exchanges; for agent runs, a scripted model, a crashing store and the {@code
 * RunStore} contract.
 */
module dev.llmops.testkit {
  requires transitive dev.llmops.api;
  requires transitive dev.llmops.core;
  requires transitive org.junit.jupiter.api;
  requires transitive com.fasterxml.jackson.databind;
  requires static transitive dev.llmops.agent;
  requires jdk.httpserver;
  requires static transitive org.jspecify;

  exports dev.llmops.testkit;
  exports dev.llmops.testkit.agent;
  exports dev.llmops.testkit.junit5;
  exports dev.llmops.testkit.replay;
  exports dev.llmops.testkit.server;
}
