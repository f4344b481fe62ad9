package dev.llmops.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.Message;
import dev.llmops.api.PromptRef;
import dev.llmops.api.Role;
import dev.llmops.core.pipeline.Rendering;
import dev.llmops.core.prompt.PromptVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * A prompt call is keyed on the prompt version and its variables instead of the rendered text:
 * equal inputs give equal keys, any difference in what reaches the provider gives another key, and
 * every case in doubt falls back to the full-request key.
 */
class PromptCacheKeysTest {
  private static final PromptVersion V1 = PromptVersion.builder("support", 1)
      .system("You answer questions about {{product}}.")
      .user("{{question}}")
      .build();
  private static final PromptVersion V1_OTHER_TEXT = PromptVersion.builder("support", 1)
      .system("You answer questions about {{product}}!")
      .user("{{question}}")
      .build();

  /** What the prompt step hands the cache step: the rendered messages first, then the request's own. */
  private static ChatRequest rendered(PromptVersion version, Map<String, Object> variables, List<Message> extra,
      int maxTokens) {
    List<Message> messages = new ArrayList<>(version.render(variables).messages());
    messages.addAll(extra);
    return ChatRequest.builder().messages(messages).temperature(0.0).maxOutputTokens(maxTokens).build();
  }

  private static CacheKey key(String endpoint, PromptVersion version, Map<String, Object> variables,
      List<Message> extra, int maxTokens) {
    ChatRequest request = rendered(version, variables, extra, maxTokens);
    return CacheKeys.key(endpoint, request, rendering(version, variables, request));
  }

  /** What the prompt step records for a request it rendered from {@code version}. */
  static Rendering rendering(PromptVersion version, Map<String, Object> variables, ChatRequest request) {
    return new Rendering(version.name(), version.version(), version.contentHash(), version.messages().size(),
        variables, request.messages());
  }

  @Property(tries = 200)
  void equalPromptVersionVariablesAndParametersGiveEqualKeys(
      @ForAll String product, @ForAll String question, @ForAll String followUp,
      @ForAll @IntRange(min = 1, max = 20_000) int maxTokens) {
    // Built twice from fresh objects (the map in another insertion order): only values count.
    Map<String, Object> a = new HashMap<>();
    a.put("product", product);
    a.put("question", question);
    Map<String, Object> b = new java.util.LinkedHashMap<>();
    b.put("question", question);
    b.put("product", product);
    List<Message> extra = List.of(Message.of(Role.USER, followUp));
    CacheKey first = key("gpt", V1, a, extra, maxTokens);
    CacheKey second = key("gpt", V1, b, List.of(Message.of(Role.USER, new String(followUp))), maxTokens);
    assertThat(first).isEqualTo(second).hasSameHashCodeAs(second);
  }

  @Property(tries = 200)
  void anyDifferenceInVariablesParametersEndpointOrExtraMessagesGivesAnotherKey(
      @ForAll String product, @ForAll String question, @ForAll String other,
      @ForAll @IntRange(min = 1, max = 20_000) int maxTokens) {
    Map<String, Object> vars = Map.of("product", product, "question", question);
    CacheKey base = key("gpt", V1, vars, List.of(), maxTokens);
    if (!other.equals(question)) {
      assertThat(key("gpt", V1, Map.of("product", product, "question", other), List.of(), maxTokens))
          .isNotEqualTo(base);
    }
    // Swapped values under the same names, and an extra (unused) variable, are other keys too.
    if (!product.equals(question)) {
      assertThat(key("gpt", V1, Map.of("product", question, "question", product), List.of(), maxTokens))
          .isNotEqualTo(base);
    }
    Map<String, Object> more = new HashMap<>(vars);
    more.put("unused", other);
    assertThat(key("gpt", V1, more, List.of(), maxTokens)).isNotEqualTo(base);
    assertThat(key("gpt", V1, vars, List.of(), maxTokens + 1)).isNotEqualTo(base);
    assertThat(key("claude", V1, vars, List.of(), maxTokens)).isNotEqualTo(base);
    assertThat(key("gpt", V1, vars, List.of(Message.of(Role.USER, other)), maxTokens)).isNotEqualTo(base);
    assertThat(key("gpt", V1, vars, List.of(Message.of(Role.ASSISTANT, other)), maxTokens))
        .isNotEqualTo(key("gpt", V1, vars, List.of(Message.of(Role.USER, other)), maxTokens));
    // Another template text under the same name and version (a changed file) has another content hash.
    assertThat(key("gpt", V1_OTHER_TEXT, vars, List.of(), maxTokens)).isNotEqualTo(base);
  }

  @Test
  void aVariableOfAnotherTypeWithTheSameTextIsAnotherKey() {
    // A Boolean false skips a section where the String "false" renders it: the type is keyed too.
    PromptVersion v = PromptVersion.builder("flags", 1).user("{{#on}}yes{{/on}}").build();
    Map<String, Object> bool = Map.of("on", false);
    Map<String, Object> text = Map.of("on", "false");
    assertThat(key("gpt", v, bool, List.of(), 10)).isNotEqualTo(key("gpt", v, text, List.of(), 10));
  }

  /**
   * Documented: a prompt call and a hand-written request with the same rendered text do not share
   * a key. The prompt key is over other bytes (version, variables) and starts with its own tag, so
   * each is cached on its own; neither can be served the other's answer by accident.
   */
  @Test
  void aPromptCallAndAHandWrittenRequestWithTheSameTextDoNotShareAKey() {
    Map<String, Object> vars = Map.of("product", "llmops", "question", "How do budgets work?");
    ChatRequest request = rendered(V1, vars, List.of(), 100);
    CacheKey prompt = CacheKeys.key("gpt", request, rendering(V1, vars, request));
    CacheKey handWritten = CacheKeys.key("gpt", request, null);
    assertThat(prompt).isNotEqualTo(handWritten);
    assertThat(handWritten.hex()).isEqualTo(CacheKeys.of("gpt", request)).hasSize(64);
  }

  @Test
  void everyCaseInDoubtFallsBackToTheFullRequestKey() {
    Map<String, Object> vars = Map.of("product", "llmops", "question", "q");
    ChatRequest request = rendered(V1, vars, List.of(), 100);
    CacheKey full = CacheKeys.full("gpt", request);

    // A variable that is not a plain scalar (a list drives a section; its text is not a fixed function).
    Map<String, Object> listVar = Map.of("product", List.of("a"), "question", "q");
    assertThat(CacheKeys.key("gpt", request, rendering(V1, listVar, request))).isEqualTo(full);
    // Messages that are not the list the prompt step produced: a step in between rewrote them.
    ChatRequest rewritten = request.toBuilder().build();
    assertThat(CacheKeys.key("gpt", rewritten, rendering(V1, vars, request)))
        .isEqualTo(CacheKeys.full("gpt", rewritten));
    // No prompt step rendered the call.
    assertThat(CacheKeys.key("gpt", request, null)).isEqualTo(full);
  }

  @Test
  void variablesAddedOneByOneKeyLikeTheSameVariablesInOneMap() {
    Map<String, Object> shared = Map.of("product", "llmops");
    CacheKey added = key("gpt", V1, new PromptRef("support", null, null, shared).withVariable("question", "q").variables(),
        List.of(), 100);
    CacheKey whole = key("gpt", V1, new HashMap<>(Map.of("product", "llmops", "question", "q")), List.of(), 100);

    assertThat(added).isInstanceOf(CacheKey.Prompt.class).isEqualTo(whole).hasSameHashCodeAs(whole);
  }

  /** A template value that is no plain scalar, whose hash code must never be asked for. */
  static final class Unhashable {
    @Override
    public int hashCode() {
      throw new AssertionError("hashed");
    }

    @Override
    public boolean equals(Object o) {
      return o == this;
    }

    @Override
    public String toString() {
      return "unhashable";
    }
  }

  @Test
  void aValueThatIsNoPlainScalarIsKeyedOnTheWholeRequestWithoutHashingIt() {
    PromptVersion v = PromptVersion.builder("p", 1).user("{{thing}} {{n}}").build();
    Map<String, Object> vars = Map.of("thing", new Unhashable(), "n", 1L);
    ChatRequest request = rendered(v, vars, List.of(), 10);

    assertThat(CacheKeys.key("gpt", request, rendering(v, vars, request)))
        .isInstanceOf(CacheKey.Request.class);
  }
}
