package dev.llmops.agent;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What to do with a tool execution a crash left unrecorded ({@link RunStatus#AWAITING_DECISION}):
 * run it again, or take a known result (found in the tool's own records through the idempotency
 * key, say). Immutable and thread-safe.
 *
 * @param runAgain whether to run the tool again
 * @param result the result to record instead, when not re-running; else null
 */
public record Decision(boolean runAgain, @Nullable String result) {

  /**
   * Checks that exactly one of re-run and result is chosen.
   *
   * @throws IllegalArgumentException if not
   */
  public Decision {
    if (runAgain == (result != null)) {
      throw new IllegalArgumentException("a decision either re-runs the tool or gives its result");
    }
  }

  /** Run the tool again. */
  public static Decision rerun() {
    return new Decision(true, null);
  }

  /** Record {@code result} as the tool's result without running it. */
  public static Decision result(String result) {
    return new Decision(false, Objects.requireNonNull(result, "result"));
  }
}
