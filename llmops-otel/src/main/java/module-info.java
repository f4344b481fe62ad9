/**
 * OpenTelemetry spans and metrics for llmops calls, per the GenAI semantic conventions. Depends on
 * the OpenTelemetry API only; the application installs the SDK.
 */
// OpenTelemetry's jars are automatic modules (Automatic-Module-Name); that is their published form.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.llmops.otel {
  requires transitive dev.llmops.core;
  requires transitive io.opentelemetry.api;
  requires io.opentelemetry.context;
  requires static dev.llmops.eval; // OtelEvaluations and OtelDriftMetrics only
  requires static transitive org.jspecify;

  exports dev.llmops.otel;
}
