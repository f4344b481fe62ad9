/**
 * The llmops client: {@link dev.llmops.core.LlmClient}, its call pipeline, and the provider
 * adapters ({@code dev.llmops.core.provider.openai}, {@code dev.llmops.core.provider.anthropic}).
 */
module dev.llmops.core {
  requires transitive dev.llmops.api;
  requires transitive java.net.http;
  requires org.slf4j;
  requires com.fasterxml.jackson.databind;
  requires static transitive org.jspecify;

  exports dev.llmops.core;
  exports dev.llmops.core.provider;
  exports dev.llmops.core.provider.openai;
  exports dev.llmops.core.provider.anthropic;
}
