package dev.llmops.api;


/**
 * An event of a step that answered a call without a model (a cache hit): the accounting step
 * records it in the ledger at zero cost with the cost it saved.
 */
public interface CostSaving extends CallEvent {

  /** The endpoint that would have been called. */
  String endpoint();

  /** The model whose earlier answer was reused. */
  String model();

  /** What the answer originally cost. */
  Cost saved();
}
