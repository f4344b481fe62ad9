package dev.llmops.core.audit;

import dev.llmops.api.audit.AuditEvent;
import dev.llmops.api.audit.AuditSink;
import dev.llmops.core.budget.Budget;
import dev.llmops.core.budget.Budgets;
import dev.llmops.core.budget.RateLimit;
import dev.llmops.core.experiment.ExperimentAuditListener;
import dev.llmops.core.experiment.ExperimentChange;
import dev.llmops.core.prompt.PromptEvent;
import dev.llmops.core.prompt.PromptEventListener;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Turns the configuration changes of prompts, experiments and budgets into {@link AuditEvent}s for
 * an {@link AuditSink} (typically an {@link AuditLog}):
 *
 * <pre>{@code
 * PromptRegistry.builder().source(source).listener(AuditBridges.prompts(auditLog)).build();
 * Experiments.builder().load(file).auditListener(AuditBridges.experiments(auditLog)).build();
 * AuditBridges.budgetsApplied(budgets, clock.instant(), "config:llmops.yaml").forEach(auditLog::record);
 * }</pre>
 *
 * <p>Stateless and thread-safe; the listeners it returns call the sink on the thread that made the
 * change.
 */
public final class AuditBridges {
  /** An experiment's status changed (running, stopped); a kill is {@link AuditEvent#KILL_SWITCH_CHANGED}. */
  public static final String EXPERIMENT_STATUS_CHANGED = "experiment.status.changed";

  /** An experiment's global override was set or cleared. */
  public static final String EXPERIMENT_OVERRIDE_CHANGED = "experiment.override.changed";

  /** A subject was forced to an experiment variant, or released. */
  public static final String EXPERIMENT_FORCED_CHANGED = "experiment.forced.changed";

  /** A rate limit was applied or changed. */
  public static final String RATE_LIMIT_CHANGED = "rate_limit.changed";

  private AuditBridges() {}

  /**
   * A prompt-registry listener that records every label move as {@value
   * AuditEvent#PROMPT_LABEL_MOVED}, target {@code <prompt>/<label>}, with the versions before and
   * after and details {@code rollback} and {@code persisted}. Refresh failures are not changes and
   * are ignored.
   */
  public static PromptEventListener prompts(AuditSink sink) {
    Objects.requireNonNull(sink, "sink");
    return event -> {
      if (event instanceof PromptEvent.LabelMoved m) {
        sink.record(new AuditEvent(
            m.at(), AuditEvent.PROMPT_LABEL_MOVED, m.promptName() + "/" + m.label(), m.actor(),
            m.fromVersion() == null ? null : String.valueOf(m.fromVersion()), String.valueOf(m.toVersion()),
            Map.of("rollback", String.valueOf(m.rollback()), "persisted", String.valueOf(m.persisted()))));
      }
    };
  }

  /**
   * An experiments audit listener that records every change: weights and ramp steps as {@value
   * AuditEvent#EXPERIMENT_WEIGHTS_CHANGED}, a status change to or from {@code killed} as {@value
   * AuditEvent#KILL_SWITCH_CHANGED}, other status changes, overrides and forced subjects under
   * their own actions; the reason goes into the details.
   */
  public static ExperimentAuditListener experiments(AuditSink sink) {
    Objects.requireNonNull(sink, "sink");
    return change -> sink.record(new AuditEvent(
        change.at(), action(change), change.experimentKey(), null, change.before(), change.after(),
        Map.of("reason", change.reason(), "kind", change.kind().name().toLowerCase(Locale.ROOT))));
  }

  private static String action(ExperimentChange change) {
    return switch (change.kind()) {
      case WEIGHTS, RAMP -> AuditEvent.EXPERIMENT_WEIGHTS_CHANGED;
      case STATUS -> isKilled(change.before()) || isKilled(change.after())
          ? AuditEvent.KILL_SWITCH_CHANGED : EXPERIMENT_STATUS_CHANGED;
      case OVERRIDE -> EXPERIMENT_OVERRIDE_CHANGED;
      case FORCED -> EXPERIMENT_FORCED_CHANGED;
    };
  }

  private static boolean isKilled(String status) {
    return status.toLowerCase(Locale.ROOT).contains("killed");
  }

  /**
   * The events that record {@code budgets} taking effect at {@code at}: one {@value
   * AuditEvent#BUDGET_CHANGED} per budget (target its name, after its limit in words, details scope,
   * hard and on-exceeded action) and one {@value #RATE_LIMIT_CHANGED} per rate limit, each with no
   * value before. Budgets cannot change while a client runs, so these are the whole history of a
   * client's limits.
   *
   * @param actor who applied them, for example {@code config:llmops.yaml}
   */
  public static List<AuditEvent> budgetsApplied(Budgets budgets, Instant at, @Nullable String actor) {
    Objects.requireNonNull(budgets, "budgets");
    Objects.requireNonNull(at, "at");
    List<AuditEvent> out = new ArrayList<>();
    for (Budget b : budgets.budgets()) {
      Map<String, String> details = new LinkedHashMap<>();
      details.put("scope", b.scope().name().toLowerCase(Locale.ROOT));
      details.put("hard", String.valueOf(b.hard()));
      details.put("onExceeded", b.onExceeded().action().name().toLowerCase(Locale.ROOT));
      out.add(new AuditEvent(at, AuditEvent.BUDGET_CHANGED, b.name(), actor, null, b.describe(), details));
    }
    int i = 0;
    for (RateLimit r : budgets.rateLimits()) {
      Map<String, String> details = new LinkedHashMap<>();
      details.put("scope", r.scope().name().toLowerCase(Locale.ROOT));
      details.put("onExceeded", r.onExceeded().action().name().toLowerCase(Locale.ROOT));
      String target = "rate-limit/" + r.scope().name().toLowerCase(Locale.ROOT) + "/" + r.unit().name().toLowerCase(Locale.ROOT)
          + "#" + i++;
      out.add(new AuditEvent(at, RATE_LIMIT_CHANGED, target, actor, null, r.describe(), details));
    }
    return out;
  }
}
