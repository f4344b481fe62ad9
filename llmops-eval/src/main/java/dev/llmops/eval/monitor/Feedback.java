package dev.llmops.eval.monitor;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a user said about an answer: a thumb, a score, a label, a comment. Immutable.
 *
 * @param kind {@code thumbs}, {@code score}, {@code label} or {@code comment}
 * @param value the score in {@code [0, 1]} (a thumb up is 1, down 0), or NaN for label and comment
 * @param label the label, or null
 * @param comment the comment, or null
 */
public record Feedback(String kind, double value, @Nullable String label, @Nullable String comment) {

  /** Checks the components. */
  public Feedback {
    Objects.requireNonNull(kind, "kind");
    if (!Double.isNaN(value) && !(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException("feedback value must be in [0, 1] or NaN but was " + value);
    }
  }

  /** A thumb up or down. */
  public static Feedback thumbs(boolean up) {
    return new Feedback("thumbs", up ? 1 : 0, up ? "up" : "down", null);
  }

  /** A score in {@code [0, 1]}. */
  public static Feedback score(double value) {
    return new Feedback("score", value, null, null);
  }

  /** A label. */
  public static Feedback label(String label) {
    return new Feedback("label", Double.NaN, Objects.requireNonNull(label, "label"), null);
  }

  /** A comment. */
  public static Feedback comment(String comment) {
    return new Feedback("comment", Double.NaN, null, Objects.requireNonNull(comment, "comment"));
  }
}
