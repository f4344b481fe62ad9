package dev.llmops.spring.boot;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the properties declare at least one model under {@code llmops.models}: without one
 * there is no client to make, and an application that only has the starter on its classpath (or
 * defines its own client) must still start.
 */
final class OnModelsCondition extends SpringBootCondition {
  @Override
  public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
    if (context.getEnvironment() instanceof ConfigurableEnvironment env) {
      Object models = PropertyTree.read(env).get("models");
      if (models != null) {
        return ConditionOutcome.match("llmops.models is set");
      }
    }
    return ConditionOutcome.noMatch("no llmops.models property: no model to make a client for");
  }
}
