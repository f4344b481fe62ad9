/**
 * The llmops client: {@link dev.llmops.core.LlmClient} and its call pipeline.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.llmops.core {
  requires transitive dev.llmops.api;
  requires org.slf4j;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires com.github.benmanes.caffeine;
  requires com.github.mustachejava;
  requires static transitive org.jspecify;

  exports dev.llmops.core;
  exports dev.llmops.core.prompt;
}
