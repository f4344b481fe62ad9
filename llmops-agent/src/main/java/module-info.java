/**
 * Agent runs over the llmops client: typed tools whose arguments are validated against their JSON
 * Schema, a loop of model calls and tool executions with limits, checkpoints through a {@link
 * dev.llmops.agent.RunStore}, resume after a crash, and approvals.
 */
module dev.llmops.agent {
  requires transitive dev.llmops.api;
  requires transitive dev.llmops.core;
  requires com.fasterxml.jackson.core;
  requires transitive com.fasterxml.jackson.databind;
  requires com.networknt.schema;
  requires static transitive org.jspecify;

  exports dev.llmops.agent;
}
