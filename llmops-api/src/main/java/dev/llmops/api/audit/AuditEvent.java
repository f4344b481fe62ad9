package dev.llmops.api.audit;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One configuration change, as an auditor reads it: who changed what, from which value to which.
 * Immutable.
 *
 * <p>Well-known actions: {@value #PROMPT_LABEL_MOVED}, {@value #EXPERIMENT_WEIGHTS_CHANGED},
 * {@value #BUDGET_CHANGED}, {@value #KILL_SWITCH_CHANGED}; other components may add their own
 * dotted names.
 *
 * @param at when the change took effect, on the changing component's clock
 * @param action what kind of change, a stable dotted name (for example {@code prompt.label.moved})
 * @param target what changed (a prompt and label, an experiment key, a budget scope)
 * @param actor who or what made the change (a user id, {@code file:prompts/}, {@code api}), or
 *     null when unknown
 * @param before the value before the change (a version, weights, a limit), or null when new
 * @param after the value after the change, or null when removed
 * @param details further structured fields; never secrets or call content
 */
public record AuditEvent(
    Instant at,
    String action,
    String target,
    @Nullable String actor,
    @Nullable String before,
    @Nullable String after,
    Map<String, String> details) {

  /** A prompt label now points at another version. */
  public static final String PROMPT_LABEL_MOVED = "prompt.label.moved";

  /** An experiment's variant weights changed. */
  public static final String EXPERIMENT_WEIGHTS_CHANGED = "experiment.weights.changed";

  /** A budget or quota limit changed. */
  public static final String BUDGET_CHANGED = "budget.changed";

  /** A kill switch was turned on or off. */
  public static final String KILL_SWITCH_CHANGED = "kill_switch.changed";

  /** Checks the components and copies the map. */
  public AuditEvent {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(target, "target");
    if (action.isBlank()) {
      throw new IllegalArgumentException("action must not be blank");
    }
    details = Map.copyOf(details);
  }

  /** An event with no actor and no details. */
  public static AuditEvent of(Instant at, String action, String target, @Nullable String before, @Nullable String after) {
    return new AuditEvent(at, action, target, null, before, after, Map.of());
  }
}
