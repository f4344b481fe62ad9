package dev.llmops.core.budget;

import dev.llmops.api.CallContext;

/**
 * What a budget or rate limit is counted per. Calls whose context lacks the attribute share one
 * counter, {@value #NONE}, so leaving it out never bypasses a limit.
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

  /** The scope's value for a call, for example {@code tenant:acme}. */
  public String key(CallContext context) {
    return name().toLowerCase(java.util.Locale.ROOT) + ":" + value(context);
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
