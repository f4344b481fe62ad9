package dev.llmops.core.accounting;

/** How the attempt behind a ledger record ended. */
public enum Outcome {
  /** The provider answered. */
  SUCCEEDED,
  /** The attempt failed (an error status, a cut stream, a timeout). */
  FAILED,
  /** The application cancelled the call while the attempt was in flight. */
  CANCELLED,
  /** No attempt: the response cache answered, and the record carries the cost it saved. */
  CACHE_HIT
}
