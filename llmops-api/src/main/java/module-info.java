/**
 * The llmops API: value types, the {@code ChatModel} SPI, interceptors, listeners and exceptions.
 *
 * <p>Depends on the JDK only (JSpecify annotations at compile time).
 */
// "module": llmops-core, to which the internal package is exported, is built after this module.
@SuppressWarnings("module")
module dev.llmops.api {
  requires static transitive org.jspecify;

  exports dev.llmops.api;
  exports dev.llmops.api.spi;
  exports dev.llmops.api.time;
  exports dev.llmops.api.audit;
  exports dev.llmops.api.internal to dev.llmops.core;
}
