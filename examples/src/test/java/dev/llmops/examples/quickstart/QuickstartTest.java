package dev.llmops.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.spi.ChatModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuickstartTest {
  @Test
  void runsOfflineWithoutProviderVariables() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Quickstart.Summary s = Quickstart.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), Map.of());
    assertThat(s.streamedText()).isEqualTo(s.streaming().text());
    assertThat(s.totalTokens()).isPositive();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("offline, fake model 'fake-gpt'");
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
