package dev.llmops.testkit.replay;

import dev.llmops.api.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.ConfigurationException;
import dev.llmops.api.FinishReason;
import dev.llmops.api.ModelInfo;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.LlmClient;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.provider.openai.OpenAiChatModel;
import dev.llmops.testkit.server.FakeOpenAiServer;
import dev.llmops.testkit.server.ScriptedResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records real HTTP exchanges through the OpenAI adapter against the fake OpenAI server, then
 * replays them with the server gone.
 */
class CassetteTest {
  @TempDir Path dir;

  private static final ChatRequest ASK = ChatRequest.builder()
      .system("You are terse.")
      .user("My e-mail is jane.doe@example.com; when does my order arrive?")
      .temperature(0.2)
      .build();

  @Test
  void recordsRedactedAndReplaysOfflineInOrder() throws Exception {
    Cassette cassette = Cassette.of(dir.resolve("support.jsonl"));
    ChatResponse first;
    ChatResponse second;
    try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
      server.enqueue(ScriptedResponse.reply("It arrives Monday; we wrote to jane.doe@example.com.")
          .withUsage(Usage.of(21, 12)));
      server.enqueue(ScriptedResponse.reply("Monday.").withUsage(Usage.of(21, 2)));
      ChatModel real = OpenAiChatModel.builder().baseUrl(server.baseUrl()).apiKey(Secret.of("sk-test-recording-key-0001"))
          .model("gpt-4o-mini").build();
      ChatModel recording = cassette.record(real);
      first = recording.chat(ASK);
      second = recording.chat(ASK);
    }
    String file = Files.readString(cassette.file());
    assertThat(file.lines()).hasSize(2);
    assertThat(file).doesNotContain("jane.doe@example.com", "sk-test-recording-key").contains("It arrives Monday");

    ChatModel replay = cassette.replay(ModelInfo.of("openai", "gpt-4o-mini"));
    ChatResponse r1 = replay.chat(ASK);
    ChatResponse r2 = replay.chat(ASK);
    ChatResponse r3 = replay.chat(ASK);
    assertThat(r1.text()).startsWith("It arrives Monday; we wrote to ").doesNotContain("jane.doe");
    assertThat(r1.usage()).isEqualTo(first.usage());
    assertThat(r1.model()).isEqualTo(first.model());
    assertThat(r1.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r2.text()).isEqualTo(second.text());
    assertThat(r3.text()).isEqualTo("Monday."); // the last recording again once they run out
    StringBuilder streamed = new StringBuilder();
    assertThat(replay.stream(ASK, c -> streamed.append(c.textDelta())).join().text()).isEqualTo(streamed.toString());
  }

  @Test
  void aReplayMissNamesTheRequestsFingerprint() throws Exception {
    Cassette cassette = Cassette.of(dir.resolve("empty.jsonl"));
    Files.writeString(cassette.file(), "");
    ChatRequest other = ChatRequest.builder().user("Something never recorded").build();
    assertThatThrownBy(() -> cassette.replay().chat(other))
        .isInstanceOf(ReplayMissException.class)
        .hasMessageContaining("replay miss: no recording of request " + Cassette.fingerprint(other))
        .hasMessageContaining("Something never recorded")
        .hasMessageContaining(cassette.file().toString());
  }

  @Test
  void theFingerprintCoversWhatTheProviderSees() {
    String base = Cassette.fingerprint(ASK);
    assertThat(Cassette.fingerprint(ASK.toBuilder().build())).isEqualTo(base);
    assertThat(Cassette.fingerprint(ASK.toBuilder().temperature(0.3).build())).isNotEqualTo(base);
    assertThat(Cassette.fingerprint(ASK.withModel("gpt-4o"))).isNotEqualTo(base);
    assertThat(Cassette.fingerprint(ASK.toBuilder().responseFormatJson("{\"type\":\"json_object\"}").build()))
        .isNotEqualTo(base);
    ChatRequest toolAnswered = ASK.toBuilder().message(Message.tool("t1", "no such order")).build();
    assertThat(Cassette.fingerprint(ASK.toBuilder().message(Message.toolError("t1", "no such order")).build()))
        .as("a tool error reaches the provider as one (Anthropic's is_error)")
        .isNotEqualTo(Cassette.fingerprint(toolAnswered));
    assertThat(base).matches("[0-9a-f]{64}");
  }

  @Test
  void aMalformedCassetteFailsNamingItsLine() throws Exception {
    Path file = dir.resolve("bad.jsonl");
    Files.writeString(file, "{\"fingerprint\":\"short\",\"response\":{\"finishReason\":\"STOP\"}}\n");
    assertThatThrownBy(() -> Cassette.of(file).replay())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("bad.jsonl:1");
  }

  @Test
  void aClientRunsOnTheReplayAsOnTheProvider() throws Exception {
    Cassette cassette = Cassette.of(dir.resolve("client.jsonl"));
    String live;
    try (FakeOpenAiServer server = FakeOpenAiServer.start();
        LlmClient client = LlmClient.builder().model("smart", cassette.record(OpenAiChatModel.builder()
            .baseUrl(server.baseUrl()).model("gpt-4o-mini").build())).build()) {
      server.enqueue(ScriptedResponse.reply("Recorded answer."));
      live = client.chat(ASK).text();
    }
    try (LlmClient offline = LlmClient.builder().model("smart", cassette.replay()).build()) {
      assertThat(offline.chat(ASK).text()).isEqualTo(live);
    }
  }
}
