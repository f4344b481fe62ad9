package dev.llmops.core.accounting;

import org.jspecify.annotations.Nullable;

/** An attribute of ledger records to group summaries by. */
public enum Dimension {
  /** {@link LedgerRecord#tenant()}. */
  TENANT,
  /** {@link LedgerRecord#subject()}. */
  SUBJECT,
  /** {@link LedgerRecord#feature()}. */
  FEATURE,
  /** {@link LedgerRecord#apiKeyId()}. */
  API_KEY,
  /** {@link LedgerRecord#endpoint()}. */
  ENDPOINT,
  /** {@link LedgerRecord#model()}. */
  MODEL,
  /** {@code promptName@promptVersion}, or none for a plain request. */
  PROMPT,
  /** {@link LedgerRecord#variant()}. */
  VARIANT,
  /** {@code true} or {@code false}: shadow traffic or not. */
  SHADOW,
  /** {@link LedgerRecord#outcome()}. */
  OUTCOME;

  /** The group key of records that lack the attribute. */
  public static final String NONE = "(none)";

  /** The record's value of this attribute, or {@link #NONE}. */
  public String of(LedgerRecord r) {
    @Nullable String v = switch (this) {
      case TENANT -> r.tenant();
      case SUBJECT -> r.subject();
      case FEATURE -> r.feature();
      case API_KEY -> r.apiKeyId();
      case ENDPOINT -> r.endpoint();
      case MODEL -> r.model();
      case PROMPT -> r.promptName() == null ? null : r.promptName() + "@" + r.promptVersion();
      case VARIANT -> r.variant();
      case SHADOW -> Boolean.toString(r.shadow());
      case OUTCOME -> r.outcome().name();
    };
    return v == null ? NONE : v;
  }
}
