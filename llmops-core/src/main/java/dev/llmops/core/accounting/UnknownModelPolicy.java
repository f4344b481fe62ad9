package dev.llmops.core.accounting;

/** What accounting does when the model an attempt goes to has no price in the catalog. */
public enum UnknownModelPolicy {
  /**
   * Fail the attempt before it is sent, with a {@link dev.llmops.api.ConfigurationException} naming
   * the endpoint, model and catalog version.
   */
  FAIL,
  /**
   * Make the call, record its usage with an unknown cost (never zero) and publish an {@link
   * Accounting.UnknownPriceEvent}. The default.
   */
  RECORD
}
