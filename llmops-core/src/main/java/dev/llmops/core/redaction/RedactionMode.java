package dev.llmops.core.redaction;

/** How a finding is replaced. Every mode's output is left alone by a second redaction. */
public enum RedactionMode {
  /** Replaced by its type in angle brackets: {@code <EMAIL>}. The default. */
  TAG,
  /**
   * Partially masked: digits and letters of numbers are starred except the last four ({@code
   * **** **** **** 4242}); an email keeps its domain ({@code ***@example.com}); keys and secrets
   * keep at most their first four characters ({@code sk-p****}); IP addresses keep their first
   * group. Private keys are always tagged.
   */
  MASK,
  /**
   * Replaced by a keyed pseudonym, {@code <EMAIL#1f3a9c0d2b7e>}: the first 48 bits of an
   * HMAC-SHA256 of the value under the configured key, so equal values join across logs without
   * the raw value being kept.
   */
  HMAC
}
