package dev.llmops.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.FinishReason;
import dev.llmops.api.spi.ChatModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuickstartTest {

  @Test
  void runsOfflineWithoutProviderVariablesAndPrintsAConsistentSummary() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    Quickstart.Summary summary = Quickstart.run(new PrintStream(buffer, true, StandardCharsets.UTF_8), Map.of());
    String out = buffer.toString(StandardCharsets.UTF_8);

    assertThat(summary.blocking().endpoint()).isEqualTo("fast");
    assertThat(summary.blocking().finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(summary.async().text()).isNotBlank();
    assertThat(summary.streamedText()).isEqualTo(summary.streaming().text());
    assertThat(summary.totalTokens()).isPositive().isEqualTo(
        summary.blocking().usage().totalTokens() + summary.async().usage().totalTokens()
            + summary.streaming().usage().totalTokens());
    assertThat(out)
        .contains("offline, fake model 'fake-gpt'")
        .contains("blocking ", "async    ", "streaming")
        .contains("streamed text matches aggregate: true")
        .contains("total tokens: " + summary.totalTokens())
        .contains("listener failures: 0");
  }

  @Test
  void providerVariablesSelectAnOpenAiCompatibleModel() {
    assertThat(Quickstart.openAiFromEnvironment(Map.of())).isEmpty();
    ChatModel local = Quickstart.openAiFromEnvironment(
        Map.of("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1", "OPENAI_MODEL", "llama3.2")).orElseThrow();
    assertThat(local.info().modelId()).isEqualTo("llama3.2");
    assertThat(local.info().serverPort()).isEqualTo(11434);
    ChatModel openai = Quickstart.openAiFromEnvironment(Map.of("OPENAI_API_KEY", "sk-example")).orElseThrow();
    assertThat(openai.info().serverAddress()).isEqualTo("api.openai.com");
    assertThat(openai.toString()).doesNotContain("sk-example");
  }
}
