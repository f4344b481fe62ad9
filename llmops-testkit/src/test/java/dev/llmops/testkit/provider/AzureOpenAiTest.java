package dev.llmops.testkit.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.api.ConfigurationException;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.LlmClient;
import dev.llmops.core.config.ConfigBindings;
import dev.llmops.core.config.LlmOpsConfig;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.provider.openai.OpenAiChatModel;
import dev.llmops.testkit.server.FakeOpenAiServer;
import dev.llmops.testkit.server.RecordedRequest;
import dev.llmops.testkit.server.ScriptedResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Azure OpenAI as a configuration of the OpenAI adapter: the deployment URL, the {@code
 * api-version} query parameter and the {@code api-key} header, as Azure's REST reference documents
 * them, checked on what the fake server receives.
 */
class AzureOpenAiTest {
  private static final String KEY = "0123456789abcdef0123456789abcdef";

  private final FakeOpenAiServer server = FakeOpenAiServer.start();
  private final String endpoint = "http://127.0.0.1:" + server.port();

  @AfterEach
  void stop() {
    server.close();
  }

  private OpenAiChatModel.Builder azure() {
    return OpenAiChatModel.builder().azure(endpoint, "gpt-4o-prod", "2024-10-21").apiKey(Secret.of(KEY));
  }

  @Test
  void blockingCallGoesToTheDeploymentWithTheVersionAndTheKeyInApiKey() {
    try (OpenAiChatModel model = azure().build()) {
      server.enqueue(ScriptedResponse.reply("hello from azure"));
      ChatResponse r = model.chat(ChatRequest.of("hi"));

      assertThat(r.text()).isEqualTo("hello from azure");
      RecordedRequest req = server.lastRequest();
      assertThat(req.method()).isEqualTo("POST");
      assertThat(req.path()).isEqualTo("/openai/deployments/gpt-4o-prod/chat/completions");
      assertThat(req.query()).isEqualTo("api-version=2024-10-21");
      assertThat(req.header("api-key")).isEqualTo(KEY);
      assertThat(req.header("authorization")).isNull();
      assertThat(req.header("content-type")).isEqualTo("application/json");
      assertThat(req.json().get("model").asText()).as("the model id defaults to the deployment").isEqualTo("gpt-4o-prod");
      assertThat(model.info().provider()).isEqualTo("azure.ai.openai");
      assertThat(model.info().modelId()).isEqualTo("gpt-4o-prod");
      assertThat(model.info().serverPort()).isEqualTo(server.port());
      assertThat(model.toString()).doesNotContain(KEY);
    }
  }

  @Test
  void streamingCallTakesTheSamePathAndReadsTheEvents() {
    try (OpenAiChatModel model = azure().model("gpt-4o").build()) {
      server.enqueue(ScriptedResponse.reply("streamed by azure"));
      List<String> deltas = new ArrayList<>();
      ChatResponse r = ChatModel.join(model.stream(ChatRequest.of("hi"), c -> deltas.add(c.textDelta())));

      assertThat(String.join("", deltas)).isEqualTo("streamed by azure");
      assertThat(r.text()).isEqualTo("streamed by azure");
      RecordedRequest req = server.lastRequest();
      assertThat(req.path()).isEqualTo("/openai/deployments/gpt-4o-prod/chat/completions");
      assertThat(req.query()).isEqualTo("api-version=2024-10-21");
      assertThat(req.header("accept")).isEqualTo("text/event-stream");
      assertThat(req.streaming()).isTrue();
      assertThat(req.json().get("model").asText()).isEqualTo("gpt-4o");
      assertThat(model.info().modelId()).as("prices and labels go by the model, not the deployment").isEqualTo("gpt-4o");
    }
  }

  @Test
  void anEntraTokenGoesInAuthorizationAndNoApiKeyIsSent() {
    try (OpenAiChatModel model = OpenAiChatModel.builder().azure(endpoint, "gpt-4o-prod", "2024-10-21")
        .header("Authorization", "Bearer entra-token").build()) {
      server.enqueue(ScriptedResponse.reply("ok"));
      model.chat(ChatRequest.of("hi"));
      assertThat(server.lastRequest().header("authorization")).isEqualTo("Bearer entra-token");
      assertThat(server.lastRequest().header("api-key")).isNull();
    }
  }

  @Test
  void laterSettingsOverrideWhatAzureSet() {
    try (OpenAiChatModel model = azure().provider("azure-eu").apiKeyHeader("x-gateway-key").build()) {
      server.enqueue(ScriptedResponse.reply("ok"));
      model.chat(ChatRequest.of("hi"));
      assertThat(server.lastRequest().header("x-gateway-key")).isEqualTo(KEY);
      assertThat(server.lastRequest().header("api-key")).isNull();
      assertThat(model.info().provider()).isEqualTo("azure-eu");
    }
  }

  @Test
  void azureValidatesItsArgumentsAtOnce() {
    OpenAiChatModel.Builder b = OpenAiChatModel.builder();
    assertThatThrownBy(() -> b.azure("https://r.openai.azure.com/openai", "d", "2024-10-21"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without a path");
    assertThatThrownBy(() -> b.azure("ftp://r.openai.azure.com", "d", "2024-10-21"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http or https");
    assertThatThrownBy(() -> b.azure("https://r.openai.azure.com", " ", "2024-10-21"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deployment");
    assertThatThrownBy(() -> b.azure("https://r.openai.azure.com", "d", ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("apiVersion");
    assertThatThrownBy(() -> b.azure("https://key@r.openai.azure.com", "d", "2024-10-21"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theConfigurationFileDeclaresAnAzureEndpoint() {
    String yaml = """
        models:
          azure:
            provider: azure
            endpoint: %s
            deployment: gpt-4o-prod
            apiVersion: 2024-10-21
            model: gpt-4o
            apiKeyEnv: AZURE_OPENAI_API_KEY
        """.formatted(endpoint);
    ConfigBindings bindings = ConfigBindings.builder()
        .environment(Map.of("AZURE_OPENAI_API_KEY", KEY)::get).build();
    server.enqueue(ScriptedResponse.reply("configured"));
    try (LlmClient client = LlmOpsConfig.parse(yaml, "llmops.yaml").assemble(bindings).clientBuilder().build()) {
      Completion done = client.chat(ChatRequest.of("hi"));
      assertThat(done.text()).isEqualTo("configured");
    }
    RecordedRequest req = server.lastRequest();
    assertThat(req.path()).isEqualTo("/openai/deployments/gpt-4o-prod/chat/completions");
    assertThat(req.query()).isEqualTo("api-version=2024-10-21");
    assertThat(req.header("api-key")).isEqualTo(KEY);
    assertThat(req.json().get("model").asText()).isEqualTo("gpt-4o");
  }

  @Test
  void theConfigurationFileNamesEachMissingAzureKey() {
    String yaml = """
        models:
          azure:
            provider: azure
            endpoint: https://r.openai.azure.com
            model: gpt-4o
        """;
    ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
        () -> LlmOpsConfig.parse(yaml, "llmops.yaml").assemble(ConfigBindings.builder().build()));
    assertThat(e.problems()).containsExactlyInAnyOrder(
        "llmops.yaml: models.azure.deployment: required for provider azure",
        "llmops.yaml: models.azure.apiVersion: required for provider azure");
  }
}
