package dev.llmops.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.FinishReason;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QuickstartTest {

  @Test
  void runsOfflineAndPrintsAConsistentSummary() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    Quickstart.Summary summary = Quickstart.run(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    String out = buffer.toString(StandardCharsets.UTF_8);

    assertThat(summary.blocking().endpoint()).isEqualTo("fast");
    assertThat(summary.blocking().finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(summary.async().text()).isNotBlank();
    assertThat(summary.streamedText()).isEqualTo(summary.streaming().text());
    assertThat(summary.totalTokens()).isEqualTo(
        summary.blocking().usage().totalTokens() + summary.async().usage().totalTokens()
            + summary.streaming().usage().totalTokens());
    assertThat(out)
        .contains("blocking ", "async    ", "streaming")
        .contains("streamed text matches aggregate: true")
        .contains("total tokens: " + summary.totalTokens())
        .contains("listener failures: 0");
  }
}
