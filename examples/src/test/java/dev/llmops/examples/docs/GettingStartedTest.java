package dev.llmops.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.Cost;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.Money;
import dev.llmops.core.LlmClient;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.budget.Budget;
import dev.llmops.core.budget.Budgets;
import dev.llmops.core.budget.Scope;
import dev.llmops.core.budget.Window;
import dev.llmops.core.prompt.FilePromptSource;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.provider.openai.OpenAiChatModel;
import dev.llmops.otel.OtelInstrumentation;
import dev.llmops.testkit.FakeChatModel;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The samples of {@code docs/getting-started.md}, each run here ({@code DocSamplesTest} keeps the copies equal). */
class GettingStartedTest {
  @TempDir Path dir;

  @Test
  void firstCall() {
    // sample-start first-call
    FakeChatModel model = FakeChatModel.builder().provider("openai").modelId("gpt-4o").build();
    model.reply("llmops operates your LLM calls.");

    try (LlmClient client = LlmClient.builder()
        .model("smart", model)
        .accounting(Accounting.builder().build())                 // prices each attempt from the bundled catalog
        .build()) {
      Completion answer = client.chat(ChatRequest.of("What is llmops?"), CallContext.ofTenant("acme"));

      System.out.println(answer.text());                          // what the model said
      System.out.println(answer.usage());                         // tokens in and out
      System.out.println(answer.attribute(Cost.KEY).orElseThrow()); // exact cost in USD
    }
    // sample-end first-call
    assertThat(model.callCount()).isEqualTo(1);
  }

  @Test
  void promptsAndBudgets() throws IOException {
    Path prompts = Files.createDirectories(dir.resolve("prompts/support-reply"));
    Files.writeString(prompts.resolve("v1.yaml"), "messages:\n  - role: user\n    content: \"Answer briefly: {{question}}\"\n");
    Files.writeString(prompts.resolve("labels.yaml"), "production: 1\n");
    FakeChatModel model = FakeChatModel.builder().provider("openai").modelId("gpt-4o").build();
    Path promptDirectory = dir.resolve("prompts");
    // sample-start prompts-budgets
    PromptRegistry registry = PromptRegistry.builder()
        .source(FilePromptSource.directory(promptDirectory))      // prompts/<name>/v<N>.yaml + labels.yaml
        .build();
    try (LlmClient client = LlmClient.builder()
        .model("smart", model)
        .prompts(registry)
        .accounting(Accounting.builder().build())                 // tokens and exact cost per attempt
        .budgets(Budgets.builder()                                // reserved before each call, settled after
            .budget(Budget.money(Scope.TENANT, Money.usd("5.00"), Window.daily()))
            .build())
        .build()) {
      Completion answer = client.prompt("support-reply")            // label "production" -> version 1
          .variable("question", "How do I reset my password?")
          .context(CallContext.ofTenant("acme"))
          .call();
      System.out.println(answer.attribute(Fingerprint.KEY).orElseThrow()); // prompt name, version, hash, model
      System.out.println(answer.attribute(Cost.KEY).orElseThrow());        // what acme's budget was charged
      // Once acme has spent 5.00 USD today, calls throw BudgetExceededException before reaching a model.
    }
    // sample-end prompts-budgets
    assertThat(model.lastRequest().messages().get(0).content()).isEqualTo("Answer briefly: How do I reset my password?");
    assertThat(model.callCount()).isEqualTo(1);
  }

  @Test
  void tracing() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    // sample-start tracing
    OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans))     // in production: a BatchSpanProcessor + OTLP
            .build())
        .build();
    FakeChatModel model = FakeChatModel.builder().provider("openai").modelId("gpt-4o").build();

    try (LlmClient client = LlmClient.builder()
        .model("smart", model)
        .listener(OtelInstrumentation.create(openTelemetry))        // GenAI spans and metrics
        .build()) {
      client.chat(ChatRequest.of("hi"));
    }
    // sample-end tracing
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).hasSize(1);
    assertThat(finished.get(0).getName()).isEqualTo("chat gpt-4o");
    openTelemetry.close();
  }

  @Test
  void firstRealProviderCall() {
    Assumptions.assumeTrue(System.getenv("OPENAI_API_KEY") != null,
        "set OPENAI_API_KEY to run the getting-started guide's real OpenAI call");
    // sample-start real-provider
    try (LlmClient client = LlmClient.builder()
        .model("smart", OpenAiChatModel.builder()
            .apiKey(Secret.fromEnv("OPENAI_API_KEY"))                // read from the environment, never logged
            .model("gpt-4o-mini")
            .build())
        .build()) {
      Completion answer = client.chat(ChatRequest.of("Say hello in five words."));
      System.out.println(answer.text() + " (" + answer.attribute(Cost.KEY).orElseThrow().total() + ")");
    }
    // sample-end real-provider
  }
}
