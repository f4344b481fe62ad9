package dev.llmops.examples.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.core.experiment.ExperimentChange;
import dev.llmops.eval.monitor.Guard;
import dev.llmops.eval.monitor.RolloutEvent;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The degrading canary is advanced while healthy and rolled back soon after noon, with its statistic. */
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
  }
}
