package dev.llmops.core.config;

import java.util.Objects;

/**
 * The {@code telemetry} section of a configuration, parsed and checked by core so that the
 * OpenTelemetry module ({@code llmops-otel}) only has to turn it into a listener (see {@link
 * TelemetryFactory}). Immutable.
 *
 * @param enabled whether calls are traced and measured (default true when the section is present)
 * @param captureContent whether spans carry the (redacted) messages and answers (default false)
 * @param conventions which GenAI semantic-convention names to emit (default {@link
 *     Conventions#ENVIRONMENT})
 */
public record TelemetrySettings(boolean enabled, boolean captureContent, Conventions conventions) {

  /** Checks the components. */
  public TelemetrySettings {
    Objects.requireNonNull(conventions, "conventions");
  }

  /** Telemetry off. */
  public static TelemetrySettings disabled() {
    return new TelemetrySettings(false, false, Conventions.ENVIRONMENT);
  }

  /** Which names of the GenAI semantic conventions to emit. */
  public enum Conventions {
    /**
     * As {@code OTEL_SEMCONV_STABILITY_OPT_IN} says (read through the bindings' environment): the
     * latest experimental names when it lists {@code gen_ai_latest_experimental}, else v1.41.
     */
    ENVIRONMENT,
    /** The v1.37 to v1.41 names that backends consume today. */
    V1_41,
    /** The latest experimental names. */
    LATEST
  }
}
