/**
 * llmops quality gates: golden datasets, evaluators (deterministic checks, JSON Schema, reference
 * metrics, an LLM judge), a runner, statistics against a baseline, a JUnit 5 and command-line gate,
 * and Markdown and HTML reports.
 */
module dev.llmops.eval {
  requires transitive dev.llmops.api;
  requires transitive dev.llmops.core;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires com.networknt.schema;
  requires org.apache.commons.statistics.descriptive;
  requires org.apache.commons.statistics.distribution;
  requires org.apache.commons.statistics.inference;
  requires org.apache.commons.statistics.interval;
  requires static org.junit.jupiter.api; // the JUnit 5 gate only: an application that uses it has JUnit
  requires static transitive org.jspecify;

  exports dev.llmops.eval.dataset;
  exports dev.llmops.eval.evaluator;
  exports dev.llmops.eval.judge;
  exports dev.llmops.eval.stats;
  exports dev.llmops.eval.run;
  exports dev.llmops.eval.compare;
  exports dev.llmops.eval.report;
  exports dev.llmops.eval.junit5;
  exports dev.llmops.eval.gate;
  exports dev.llmops.eval.cli;
  exports dev.llmops.eval.monitor;
}
