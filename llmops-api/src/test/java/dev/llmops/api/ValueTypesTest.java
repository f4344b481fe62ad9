package dev.llmops.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValueTypesTest {

  @Test
  void generationParametersValidateRangesAndNameTheField() {
    assertThatThrownBy(() -> GenerationParameters.builder().temperature(2.5).build()).hasMessageContaining("temperature");
    assertThatThrownBy(() -> GenerationParameters.builder().topP(0.0).build()).hasMessageContaining("topP");
    assertThatThrownBy(() -> GenerationParameters.builder().maxOutputTokens(0).build()).hasMessageContaining("maxOutputTokens");
    assertThatThrownBy(() -> GenerationParameters.builder().presencePenalty(-3.0).build()).hasMessageContaining("presencePenalty");
    assertThat(GenerationParameters.builder().temperature(0.0).topP(1.0).build().temperature()).isEqualTo(0.0);
  }

  @Test
  void overridesTakeOnlyWhatTheyDefine() {
    GenerationParameters base = GenerationParameters.builder().temperature(0.7).maxOutputTokens(100).build();
    GenerationParameters over = GenerationParameters.builder().maxOutputTokens(20).build();
    GenerationParameters merged = base.overriddenBy(over);
    assertThat(merged.temperature()).isEqualTo(0.7);
    assertThat(merged.maxOutputTokens()).isEqualTo(20);
    assertThat(base.overriddenBy(GenerationParameters.DEFAULTS)).isEqualTo(base);
  }

  @Test
  void chatRequestIsImmutableAndCopiesItsCollections() {
    List<Message> messages = new ArrayList<>(List.of(Message.user("a")));
    ChatRequest r = new ChatRequest("m", messages, GenerationParameters.DEFAULTS, null, ToolSet.NONE, null, Map.of());
    messages.add(Message.user("b"));
    assertThat(r.messages()).hasSize(1);
    assertThatThrownBy(() -> r.messages().add(Message.user("c"))).isInstanceOf(UnsupportedOperationException.class);
    ChatRequest copy = r.toBuilder().assistant("x").user("y").metadata("k", "v").build();
    assertThat(copy.messages()).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT, Role.USER);
    assertThat(copy.lastUserMessage()).isEqualTo("y");
    assertThat(copy.withModel("other").model()).isEqualTo("other");
    assertThat(r.model()).isEqualTo("m");
  }

  @Test
  void toolMessagesNeedTheCallTheyAnswer() {
    assertThatThrownBy(() -> new Message(Role.TOOL, "result", List.of(), null)).hasMessageContaining("toolCallId");
    assertThat(Message.tool("call-1", "42").toolCallId()).isEqualTo("call-1");
  }

  @Test
  void exceptionsCarryStructuredFieldsAndRetryability() {
    LlmException.ErrorDetails d = LlmException.ErrorDetails.of("openai", "gpt-4o")
        .withHttpStatus(429).withErrorCode("rate_limit_exceeded").withRetryAfter(Duration.ofSeconds(3));
    RateLimitedException e = new RateLimitedException("limited", d);
    assertThat(e.retryable()).isTrue();
    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    assertThat(e.httpStatus()).isEqualTo(429);
    assertThat(e.provider()).isEqualTo("openai");
    assertThat(new QuotaExhaustedException("quota", d).retryable()).isFalse();
    assertThat(new OverloadedException("busy", d)).isInstanceOf(ProviderUnavailableException.class);
    assertThat(new OverloadedException("busy", d).retryable()).isTrue();
    assertThat(new BudgetExceededException("over", "tenant:acme", "1 USD/day", null).retryable()).isFalse();
    assertThat(new TemplateVariableMissingException("p", 3, "name").getMessage())
        .contains("'p'", "version 3", "'name'");
    assertThatThrownBy(() -> d.withRetryAfter(Duration.ofSeconds(-1))).hasMessageContaining("retryAfter");
  }

  @Test
  void configurationExceptionListsEveryProblem() {
    ConfigurationException e = new ConfigurationException(List.of("a.yaml: key 'x' missing", "b.yaml: bad weight"));
    assertThat(e.problems()).hasSize(2);
    assertThat(e.getMessage()).contains("2 problems", "a.yaml", "b.yaml");
    assertThatThrownBy(() -> new ConfigurationException(List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void completionToStringNeverContainsTheAnswerText() {
    ChatResponse r = ChatResponse.of("id", "m", "secret answer text", FinishReason.STOP, Usage.of(1, 1));
    Completion c = Completion.of("call-1", r, "fast", 1, Map.of());
    assertThat(c.toString()).doesNotContain("secret answer text").contains("call-1");
    AttributeKey<String> key = AttributeKey.of("k", String.class);
    assertThat(Completion.of("call-1", r, "fast", 1, Map.of(key, "v")).attribute(key)).contains("v");
  }

  @Test
  void callContextWithersCopy() {
    CallContext c = CallContext.ofTenant("acme").withSubject("u").withFeature("f").withTag("region", "eu");
    assertThat(c.tenant()).isEqualTo("acme");
    assertThat(c.tags()).containsEntry("region", "eu");
    assertThat(CallContext.empty().tenant()).isNull();
  }

  @Test
  void parametersHashIsCanonicalAndSeparatesDifferentParameters() {
    GenerationParameters a = GenerationParameters.builder().temperature(0.2).stopSequences(List.of("a,b")).build();
    GenerationParameters same = GenerationParameters.builder().stopSequences(List.of("a,b")).temperature(0.2).build();
    GenerationParameters split = GenerationParameters.builder().temperature(0.2).stopSequences(List.of("a", "b")).build();
    assertThat(Fingerprint.hashParameters(a)).isEqualTo(Fingerprint.hashParameters(same)).hasSize(64);
    assertThat(Fingerprint.hashParameters(a)).isNotEqualTo(Fingerprint.hashParameters(split));
    assertThat(Fingerprint.hashParameters(GenerationParameters.DEFAULTS)).isNotEqualTo(Fingerprint.hashParameters(a));
  }

  @Test
  void parametersHashIsTheSha256OfTheDocumentedCanonicalText() throws Exception {
    GenerationParameters p = GenerationParameters.builder()
        .temperature(0.5).maxOutputTokens(256).seed(7L).stopSequences(List.of("say \"end\"", "a\\b\n"))
        .build();
    String canonical = "{\"frequencyPenalty\":null,\"maxOutputTokens\":256,\"presencePenalty\":null,\"seed\":7,"
        + "\"stopSequences\":[\"say \\\"end\\\"\",\"a\\\\b\\u000a\"],\"temperature\":0.5,\"topP\":null}";
    String expected = HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));

    assertThat(Fingerprint.hashParameters(p)).isEqualTo(expected);
  }
}
