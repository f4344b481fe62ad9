package dev.llmops.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void durationsAreKeptToTheMillisecondRoundedUp() {
    assertThat(Durations.ceilMillis(Duration.ofMillis(1500))).isEqualTo(1500);
    assertThat(Durations.ceilMillis(Duration.ofNanos(1))).isEqualTo(1);
    assertThat(Durations.ceilMillis(Duration.ofSeconds(1).plusNanos(1))).isEqualTo(1001);
    assertThat(Durations.ceilMillis(ChronoUnit.FOREVER.getDuration())).isEqualTo(Long.MAX_VALUE);
  }
}
