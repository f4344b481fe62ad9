package dev.llmops.spring.boot;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when the {@code llmops.*} properties set a given top-level section. */
abstract class OnSectionCondition extends SpringBootCondition {
  private final String section;
  private final String without;

  OnSectionCondition(String section, String without) {
    this.section = section;
    this.without = without;
  }

  @Override
  public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
    if (context.getEnvironment() instanceof ConfigurableEnvironment env && PropertyTree.read(env).get(section) != null) {
      return ConditionOutcome.match("llmops." + section + " is set");
    }
    return ConditionOutcome.noMatch("no llmops." + section + " property: " + without);
  }

  /**
   * At least one model under {@code llmops.models}: without one there is no client to make, and an
   * application that only has the starter on its classpath (or defines its own client) must still start.
   */
  static final class Models extends OnSectionCondition {
    Models() {
      super("models", "no model to make a client for");
    }
  }

  /** A {@code llmops.resilience} section: circuit breakers, hence their health, exist only with it. */
  static final class Resilience extends OnSectionCondition {
    Resilience() {
      super("resilience", "no circuit breakers to report");
    }
  }
}
