/**
 * The llmops client: {@link dev.llmops.core.LlmClient}, its call pipeline, and the provider
 * adapters ({@code dev.llmops.core.provider.openai}, {@code dev.llmops.core.provider.anthropic}).
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // mustache.java (named in its manifest)
module dev.llmops.core {
  requires transitive dev.llmops.api;
  requires transitive java.net.http;
  requires transitive org.slf4j;
  requires transitive dev.failsafe.core;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires com.github.benmanes.caffeine;
  requires com.github.mustachejava;
  // JTokkit (exact token counts) is not required here: its jar names no module. It is read from the
  // class path (see dev.llmops.core.tokens.Jtokkit and this module's pom).
  requires static transitive org.jspecify;

  exports dev.llmops.core;
  exports dev.llmops.core.accounting;
  exports dev.llmops.core.audit;
  exports dev.llmops.core.budget;
  exports dev.llmops.core.cache;
  exports dev.llmops.core.config;
  exports dev.llmops.core.experiment;
  exports dev.llmops.core.experiment.shadow;
  exports dev.llmops.core.pricing;
  exports dev.llmops.core.prompt;
  exports dev.llmops.core.provider;
  exports dev.llmops.core.provider.anthropic;
  exports dev.llmops.core.provider.openai;
  exports dev.llmops.core.redaction;
  exports dev.llmops.core.resilience;
  exports dev.llmops.core.sink;
  exports dev.llmops.core.tokens;
  exports dev.llmops.core.transcript;

  opens dev.llmops.core.pricing; // the bundled price table is a resource of this package
}
