package dev.llmops.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.AttributeKey;
import dev.llmops.api.CallAttributes;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A call's attributes as steps and the completion see them. */
class CallAttributesTest {
  private static final AttributeKey<String> NAME = AttributeKey.of("test.name", String.class);
  private static final AttributeKey<Integer> COUNT = AttributeKey.of("test.count", Integer.class);

  @Test
  void getOrNullAgreesWithGetAndTheCompletionHoldsASnapshot() {
    List<AttributeKey<Integer>> many = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      many.add(AttributeKey.of("test.many." + i, Integer.class));
    }
    List<Object> seen = new ArrayList<>();
    try (LlmClient client = LlmClient.builder()
        .model("m", Models.echo("ok"))
        .step(PipelineStep.APPLICATION, chain -> {
          CallAttributes a = chain.call().attributes();
          seen.add(String.valueOf(a.getOrNull(NAME)));
          seen.add(a.get(NAME).isPresent());
          a.put(NAME, "first");
          a.put(NAME, "second");
          a.put(COUNT, 1);
          many.forEach(k -> a.put(k, many.indexOf(k)));
          seen.add(a.getOrNull(NAME));
          seen.add(a.get(NAME).orElseThrow());
          seen.add(a.getOrNull(many.get(11)));
          @SuppressWarnings({"unchecked", "rawtypes"})
          AttributeKey<Object> wrong = (AttributeKey) COUNT;
          assertThatThrownBy(() -> a.put(wrong, "not an integer")).isInstanceOf(ClassCastException.class);
          return chain.proceed(chain.request());
        })
        .build()) {
      Completion c = client.chat(ChatRequest.of("hi"));
      assertThat(seen).containsExactly("null", false, "second", "second", 11);
      assertThat(c.attribute(NAME)).contains("second");
      assertThat(c.attribute(COUNT)).contains(1);
      assertThat(c.attributes()).hasSize(14).containsEntry(many.get(5), 5);
      assertThat(Map.copyOf(c.attributes())).isEqualTo(c.attributes());
    }
  }
}
