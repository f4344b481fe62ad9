package dev.llmops.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.Message;
import dev.llmops.api.PromptNotFoundException;
import dev.llmops.api.PromptRef;
import dev.llmops.api.TemplateVariableMissingException;
import dev.llmops.core.LlmClient;
import dev.llmops.core.PipelineStep;
import dev.llmops.core.prompt.InMemoryPromptSource;
import dev.llmops.core.prompt.PromptEvent;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.prompt.PromptVersion;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.RecordingListener;
import dev.llmops.testkit.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The prompt step in a real client with fake models. */
class PromptPipelineTest {
  private final TestClock clock = TestClock.create();
  private final FakeChatModel fast = FakeChatModel.create();
  private final FakeChatModel smart = FakeChatModel.create();
  private final RecordingListener listener = RecordingListener.create();

  private final PromptVersion v1 = PromptVersion.builder("support", 1)
      .system("You help {{company}} customers.")
      .user("{{question}}")
      .model("smart")
      .parameters(GenerationParameters.builder().temperature(0.2).maxOutputTokens(300).build())
      .build();
  private final PromptVersion v2 = PromptVersion.builder("support", 2)
      .system("Be brief.")
      .user("{{question}}")
      .build();
  private final PromptRegistry registry = PromptRegistry.builder()
      .source(InMemoryPromptSource.builder().add(v1, v2)
          .label("support", "production", 1).label("support", "staging", 2).build())
      .clock(clock)
      .executor(Runnable::run)
      .build();
  private LlmClient client = client(LlmClient.builder());

  private LlmClient client(LlmClient.Builder b) {
    return b.model("fast", fast).model("smart", smart).prompts(registry).listener(listener).clock(clock).build();
  }

  @AfterEach
  void close() {
    client.close();
  }

  private static Fingerprint fingerprint(Completion c) {
    return c.attribute(Fingerprint.KEY).orElseThrow();
  }

  @Test
  void rendersAppliesVersionDefaultsAndRecordsTheFingerprint() {
    Completion c = client.prompt("support")
        .variables(Map.of("company", "Acme", "question", "Where is my parcel?"))
        .context(CallContext.ofTenant("acme"))
        .call();

    ChatRequest sent = smart.lastRequest();
    assertThat(sent.messages()).containsExactly(
        Message.system("You help Acme customers."), Message.user("Where is my parcel?"));
    assertThat(sent.parameters()).isEqualTo(v1.parameters());
    assertThat(fast.callCount()).isZero();
    assertThat(c.endpoint()).isEqualTo("smart");
    assertThat(fingerprint(c)).isEqualTo(
        new Fingerprint("support", 1, v1.contentHash(), "smart", v1.parametersHash(), null, null)
            .withServed("fake-model", null)); // the model that answered, recorded when the call ended
    assertThat(c.attribute(PromptRegistry.VERSION_KEY)).containsSame(v1);
    assertThat(listener.events(PromptEvent.Resolved.class))
        .containsExactly(new PromptEvent.Resolved("support", "production", 1, v1.contentHash(), java.util.Set.of()));
  }

  @Test
  void labelAndVersionSelectTheVersion() {
    Completion staging = client.prompt("support").label("staging").variable("question", "q").call();
    Completion pinned = client.prompt("support").label("staging").version(1)
        .variables(Map.of("company", "Acme", "question", "q", "unused", 1)).call();

    assertThat(fingerprint(staging).promptVersion()).isEqualTo(2);
    assertThat(fingerprint(staging).model()).isNull();
    assertThat(staging.endpoint()).isEqualTo("fast");
    assertThat(fingerprint(pinned).promptVersion()).isEqualTo(1);
    assertThat(listener.events(PromptEvent.Resolved.class)).extracting(PromptEvent.Resolved::label, PromptEvent.Resolved::unusedVariables)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("staging", java.util.Set.of()),
            org.assertj.core.groups.Tuple.tuple(null, java.util.Set.of("unused")));
  }

  @Test
  void requestMessagesFollowThePromptAndRequestSettingsWin() {
    Completion c = client.prompt("support").version(1)
        .variables(Map.of("company", "Acme", "question", "first"))
        .request(ChatRequest.builder().model("fast").assistant("earlier answer").user("follow-up").temperature(0.9).build())
        .call();

    ChatRequest sent = fast.lastRequest();
    assertThat(sent.messages()).extracting(Message::content)
        .containsExactly("You help Acme customers.", "first", "earlier answer", "follow-up");
    assertThat(sent.parameters().temperature()).isEqualTo(0.9);
    assertThat(sent.parameters().maxOutputTokens()).isEqualTo(300);
    Fingerprint f = fingerprint(c);
    assertThat(f.model()).isEqualTo("fast");
    assertThat(f.parametersHash()).hasSize(64).isNotEqualTo(v1.parametersHash());
  }

  @Test
  void aVersionWithoutParametersSendsTheRequestsAsTheyAre() {
    GenerationParameters asked = GenerationParameters.builder().temperature(0.0).maxOutputTokens(256).build();
    Completion c = client.prompt("support").label("staging")
        .variable("question", "q")
        .request(ChatRequest.builder().parameters(asked).build())
        .call();

    assertThat(fast.lastRequest().parameters()).isEqualTo(asked);
    assertThat(fingerprint(c).parametersHash())
        .isEqualTo(Fingerprint.hashParameters(asked)).isNotEqualTo(v2.parametersHash());
  }

  @Test
  void theSameCallGetsTheSameFingerprint() {
    Fingerprint a = fingerprint(client.prompt("support").variables(Map.of("company", "A", "question", "x")).call());
    Fingerprint b = fingerprint(client.prompt("support").variables(Map.of("company", "B", "question", "y")).call());

    assertThat(a).isEqualTo(b);
  }

  @Test
  void missingVariableFailsTheCallBeforeAnyModelIsCalled() {
    assertThatThrownBy(() -> client.prompt("support").variable("question", "q").call())
        .isInstanceOfSatisfying(TemplateVariableMissingException.class, e -> {
          assertThat(e.promptName()).isEqualTo("support");
          assertThat(e.promptVersion()).isEqualTo(1);
          assertThat(e.variable()).isEqualTo("company");
          assertThat(e.getMessage()).doesNotContain("You help");
        });
    assertThat(smart.callCount() + fast.callCount()).isZero();
    assertThat(listener.events(RecordingListener.Type.CALL_FAILED)).hasSize(1);
  }

  @Test
  void unknownPromptOrLabelFailsTheCall() {
    assertThatThrownBy(() -> client.prompt("nope").call()).isInstanceOf(PromptNotFoundException.class);
    assertThatThrownBy(() -> client.prompt("support").label("canary").call())
        .isInstanceOfSatisfying(PromptNotFoundException.class, e -> assertThat(e.selector()).isEqualTo("label canary"));
  }

  @Test
  void aPlainChatRequestSkipsTheStep() {
    Completion c = client.chat(ChatRequest.of("hello"));

    assertThat(fast.lastRequest().messages()).containsExactly(Message.user("hello"));
    assertThat(c.attribute(Fingerprint.KEY)).isEmpty();
    assertThat(listener.events(PromptEvent.Resolved.class)).isEmpty();
  }

  @Test
  void keepsWhatTheExperimentStepChoseAndRecorded() {
    client.close();
    client = client(LlmClient.builder().step(PipelineStep.EXPERIMENT, chain -> {
      var attributes = chain.call().attributes();
      PromptRef ref = attributes.get(PromptRef.KEY).orElseThrow();
      attributes.put(PromptRef.KEY, ref.withLabel("staging"));
      attributes.put(Fingerprint.KEY, new Fingerprint(null, 0, null, null, "-", "new-tone", "treatment"));
      return chain.proceed(chain.request());
    }));

    Completion c = client.prompt("support").variable("question", "q").call();

    assertThat(fingerprint(c)).isEqualTo(
        new Fingerprint("support", 2, v2.contentHash(), null, v2.parametersHash(), "new-tone", "treatment")
            .withServed("fake-model", null));
  }

  @Test
  void asyncAndStreamingCallsAreRenderedAndFingerprintedToo() {
    Map<String, Object> vars = Map.of("company", "Acme", "question", "q");
    Completion async = client.prompt("support").variables(vars).callAsync().join();
    List<String> chunks = new ArrayList<>();
    Completion streamed = client.prompt("support").variables(vars).stream(chunk -> chunks.add(chunk.textDelta()))
        .completion().join();

    assertThat(fingerprint(async)).isEqualTo(fingerprint(streamed));
    assertThat(chunks).isNotEmpty();
    assertThat(String.join("", chunks)).isEqualTo(streamed.text());
    assertThat(smart.callCount()).isEqualTo(2);
  }

  @Test
  void staleServingIsPublishedToTheCall() {
    PromptVersion fallback = PromptVersion.builder("support", 1).user("Sorry: {{question}}").build();
    PromptRegistry failing = PromptRegistry.builder()
        .source(name -> {
          throw new IllegalStateException("registry service down");
        })
        .clock(clock).executor(Runnable::run).fallback(fallback).timeToLive(Duration.ofMinutes(1)).build();
    client.close();
    client = LlmClient.builder().model("fast", fast).prompts(failing).listener(listener).clock(clock).build();

    Completion c = client.prompt("support").variable("question", "q").call();

    assertThat(fast.lastRequest().messages()).containsExactly(Message.user("Sorry: q"));
    assertThat(fingerprint(c).contentHash()).isEqualTo(fallback.contentHash());
    assertThat(listener.events(PromptEvent.StaleServed.class)).containsExactly(
        new PromptEvent.StaleServed("support", 1, clock.instant(), IllegalStateException.class.getName(), true));
  }

  @Test
  void promptCallsNeedARegistry() {
    try (LlmClient plain = LlmClient.builder().model("fast", fast).build()) {
      assertThatThrownBy(() -> plain.prompt("support").call())
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("prompts(registry)");
    }
    assertThat(client.steps()).contains(PipelineStep.PROMPT);
  }
}
