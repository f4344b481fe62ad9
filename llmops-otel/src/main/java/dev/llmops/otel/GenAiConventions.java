package dev.llmops.otel;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Which generation of the OpenTelemetry GenAI semantic conventions to emit.
 *
 * <p>By default {@link #V1_41}: the names today's backends and peer instrumentations consume
 * (semantic conventions v1.37 to v1.41). With {@code OTEL_SEMCONV_STABILITY_OPT_IN} containing
 * {@code gen_ai_latest_experimental}, {@link #LATEST} instead (not in addition), following the
 * conventions' own opt-in rule.
 */
public enum GenAiConventions {
  /**
   * Semantic conventions v1.41: metrics {@code gen_ai.client.token.usage} (with {@code
   * gen_ai.token.type}), {@code gen_ai.client.operation.duration}, {@code
   * gen_ai.client.operation.time_to_first_chunk}; cache writes as {@code
   * gen_ai.usage.cache_creation.input_tokens}.
   */
  V1_41,
  /**
   * The latest experimental names (semantic-conventions-genai v0.1.0): metrics {@code
   * gen_ai.client.inference.duration}, {@code gen_ai.client.inference.time_to_first_chunk}, token
   * histograms {@code gen_ai.client.inference.operation.{input,output}_tokens} and usage counters
   * {@code gen_ai.client.inference.usage.*} (with {@code gen_ai.token.modality}); cache writes as
   * {@code gen_ai.usage.cache_write.input_tokens}; {@code gen_ai.prompt.version}.
   */
  LATEST;

  /** The environment variable that selects the conventions. */
  public static final String OPT_IN_VARIABLE = "OTEL_SEMCONV_STABILITY_OPT_IN";

  /** The value in {@link #OPT_IN_VARIABLE}'s comma-separated list that selects {@link #LATEST}. */
  public static final String LATEST_OPT_IN = "gen_ai_latest_experimental";

  /**
   * The conventions the environment selects: {@link #LATEST} if {@link #OPT_IN_VARIABLE} lists
   * {@link #LATEST_OPT_IN}, else {@link #V1_41}.
   *
   * @param environment reads an environment variable ({@code System::getenv})
   */
  public static GenAiConventions fromEnvironment(Environment environment) {
    String value = environment.get(OPT_IN_VARIABLE);
    if (value != null) {
      for (String item : value.split(",", -1)) {
        if (item.trim().toLowerCase(Locale.ROOT).equals(LATEST_OPT_IN)) {
          return LATEST;
        }
      }
    }
    return V1_41;
  }

  /** Reads environment variables; {@code System::getenv} in production, a map in tests. */
  @FunctionalInterface
  public interface Environment {
    /** The variable's value, or null when it is unset. */
    @Nullable String get(String name);
  }
}
