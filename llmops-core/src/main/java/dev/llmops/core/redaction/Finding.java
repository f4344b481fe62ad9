package dev.llmops.core.redaction;

import java.util.Objects;

/**
 * One piece of sensitive data found in a text. Immutable.
 *
 * @param type the built-in type's name ({@code EMAIL}) or a custom detector's label
 * @param start the index of the first character, inclusive
 * @param end the index after the last character, exclusive
 */
public record Finding(String type, int start, int end) {

  /** Checks the components. */
  public Finding {
    Objects.requireNonNull(type, "type");
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException("need 0 <= start < end but was [" + start + ", " + end + ")");
    }
  }
}
