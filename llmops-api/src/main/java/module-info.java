/**
 * The llmops API: value types, the {@code ChatModel} SPI, interceptors, listeners and exceptions.
 *
 * <p>Depends on the JDK only (JSpecify annotations at compile time).
 */
module dev.llmops.api {
  requires static transitive org.jspecify;

  exports dev.llmops.api;
  exports dev.llmops.api.spi;
  exports dev.llmops.api.time;
  exports dev.llmops.api.audit;
}
