package dev.llmops.jdbc;

import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * jqwik's way to skip a container when no PostgreSQL answers (an abort in {@code @BeforeContainer}
 * counts as an error there); under {@code llmops.requireServices} nothing is skipped, so the
 * container's own set-up fails with the same message.
 */
final class PostgresRequired implements SkipExecutionHook {
  @Override
  public SkipResult shouldBeSkipped(LifecycleContext context) {
    if (Boolean.getBoolean("llmops.requireServices")) {
      return SkipResult.doNotSkip();
    }
    String message = TestDatabase.unavailable();
    if (message == null) {
      return SkipResult.doNotSkip();
    }
    System.err.println("SKIPPED " + message);
    return SkipResult.skip(message);
  }
}
