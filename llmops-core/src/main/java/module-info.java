/**
 * The llmops client: {@link dev.llmops.core.LlmClient} and its call pipeline.
 */
module dev.llmops.core {
  requires transitive dev.llmops.api;
  requires transitive org.slf4j;
  requires static transitive org.jspecify;

  exports dev.llmops.core;
  exports dev.llmops.core.redaction;
  exports dev.llmops.core.audit;
  exports dev.llmops.core.transcript;
}
