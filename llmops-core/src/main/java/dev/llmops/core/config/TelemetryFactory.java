package dev.llmops.core.config;

import dev.llmops.api.CallListener;
import dev.llmops.core.redaction.Redactor;
import java.time.Clock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Makes the telemetry listener a configuration asks for. Core does not depend on OpenTelemetry,
 * so the application binds one, typically {@code OtelInstrumentation.factory(openTelemetry)} from
 * {@code llmops-otel}, with {@link ConfigBindings.Builder#telemetry}.
 */
@FunctionalInterface
public interface TelemetryFactory {

  /**
   * Creates the listener; called once per {@link LlmOpsConfig#assemble}, only when the
   * configuration turns telemetry on.
   *
   * @param settings the parsed {@code telemetry} section
   * @param redactor the configured redactor, for captured content and error messages
   * @param clock the client's clock
   * @param environment reads environment variables (the bindings' environment)
   */
  CallListener create(TelemetrySettings settings, Redactor redactor, Clock clock, Function<String, @Nullable String> environment);
}
