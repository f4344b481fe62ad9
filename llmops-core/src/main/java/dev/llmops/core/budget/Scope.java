package dev.llmops.core.budget;

import dev.llmops.api.CallContext;

/**
 * What a budget or rate limit is counted per. Calls whose context lacks the attribute share one
 * counter, {@value #NONE}, so leaving it out never bypasses a limit. Shadow traffic (context tag
 * {@value #SHADOW_TAG}{@code =true}) is counted apart: every budget and rate limit has counters of
 * its own for shadow calls, at the same limits, whose scope keys start with {@code shadow:}; so
 * shadow copies never use up the budget of the calls they copy, and are capped themselves.
 */
public enum Scope {
  /** One counter for all calls. */
  GLOBAL,
  /** Per {@link CallContext#tenant()}. */
  TENANT,
  /** Per {@link CallContext#subject()} (user). */
  SUBJECT,
  /** Per {@link CallContext#apiKeyId()}. */
  API_KEY,
  /** Per {@link CallContext#feature()}. */
  FEATURE;

  /** The counter of calls without the scope's attribute. */
  public static final String NONE = "(none)";

  /** The context tag that marks a shadow call (the experiment step's {@code llmops.shadow}). */
  public static final String SHADOW_TAG = "llmops.shadow";

  /**
   * The scope's value for a call, for example {@code tenant:acme}, or {@code shadow:tenant:acme}
   * for a shadow call.
   */
  public String key(CallContext context) {
    String key = name().toLowerCase(java.util.Locale.ROOT) + ":" + value(context);
    return shadow(context) ? "shadow:" + key : key;
  }

  /** True for a shadow call, which is counted apart. */
  static boolean shadow(CallContext context) {
    return !context.tags().isEmpty() && "true".equals(context.tags().get(SHADOW_TAG));
  }

  /** The scope's raw value for a call, {@value #NONE} when the context lacks it. */
  String value(CallContext context) {
    String v = switch (this) {
      case GLOBAL -> "*";
      case TENANT -> context.tenant();
      case SUBJECT -> context.subject();
      case API_KEY -> context.apiKeyId();
      case FEATURE -> context.feature();
    };
    return v == null ? NONE : v;
  }
}
