package dev.llmops.examples.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.core.experiment.ExperimentChange;
import dev.llmops.eval.monitor.DriftEvent;
import dev.llmops.eval.monitor.Guard;
import dev.llmops.eval.monitor.RolloutEvent;
import dev.llmops.eval.monitor.Signal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The degrading canary is advanced while healthy and rolled back soon after noon, with its
 * statistic, and the drift monitor beside the controller sees its outcomes drift then and not before.
 */
class CanaryDegradationDemoTest {

  @Test
  void theCanaryIsRolledBackAfterItDegradesAndTheReportSaysWhenAndWhy() {
    CanaryDegradationDemo.Day day = CanaryDegradationDemo.run();
    System.out.println(day.render());
    assertThat(day.calls()).isEqualTo(24 * 60 * 40);
    RolloutEvent rollback = day.events().get(day.events().size() - 1);
    assertThat(rollback.kind()).isEqualTo(RolloutEvent.Kind.ROLLED_BACK);
    assertThat(rollback.guard()).isEqualTo(Guard.Metric.ERROR_RATE);
    assertThat(rollback.at()).isAfter(day.degradedAt()).isBefore(day.degradedAt().plus(Duration.ofHours(2)));
    assertThat(rollback.likelihoodRatio()).isGreaterThanOrEqualTo(20);
    // Before noon the canary was healthy and advanced.
    assertThat(day.events()).filteredOn(e -> e.at().isBefore(day.degradedAt()))
        .isNotEmpty().allSatisfy(e -> assertThat(e.kind()).isEqualTo(RolloutEvent.Kind.ADVANCED));
    ExperimentChange last = day.audit().get(day.audit().size() - 1);
    assertThat(last.after()).startsWith("step -1");
    assertThat(last.reason()).contains("mSPRT Lambda=");
    assertThat(day.render()).contains("ROLLED_BACK").contains("canary degrades");
    // The drift monitor: nothing drifted before noon; after it, the canary's outcomes (failed calls).
    assertThat(day.drift()).isNotEmpty().allSatisfy(d -> {
      assertThat(d.at()).isAfter(day.degradedAt());
      assertThat(d.key().variant()).isEqualTo("support-model:next");
    });
    assertThat(day.drift()).extracting(DriftEvent::signal).contains(Signal.OUTCOME);
    assertThat(day.render()).contains("DRIFT").contains("OUTCOME of support-model:next");
  }

  @Test
  void supportDemoRunsThisScenarioWhenAskedTo() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.PrintStream original = System.out;
    System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      SupportDemo.main(new String[] {"--canary-degrades"});
    } finally {
      System.setOut(original);
    }
    assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8))
        .startsWith("Canary rollout of model 'next'").contains("ROLLED_BACK").contains("DRIFT");
  }
}
