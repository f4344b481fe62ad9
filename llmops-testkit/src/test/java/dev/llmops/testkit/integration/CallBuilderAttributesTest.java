package dev.llmops.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.AttributeKey;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.core.CallBuilder;
import dev.llmops.core.LlmClient;
import dev.llmops.testkit.FakeChatModel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;

/** The attributes a call starts with: {@link CallBuilder#attribute}, seen by every step. */
class CallBuilderAttributesTest {
  private static final List<AttributeKey<Integer>> KEYS = List.of(
      AttributeKey.of("test.a", Integer.class), AttributeKey.of("test.b", Integer.class), AttributeKey.of("test.c", Integer.class));

  private final LlmClient client = LlmClient.builder().model("fast", FakeChatModel.create()).build();

  @AfterProperty
  void close() {
    client.close();
  }

  @Property(tries = 100)
  void theCallStartsWithTheLastValueOfEachKey(@ForAll("puts") List<Tuple.Tuple2<Integer, Integer>> puts) {
    CallBuilder b = client.request(ChatRequest.of("hi"));
    Map<AttributeKey<Integer>, Integer> expected = new HashMap<>();
    for (Tuple.Tuple2<Integer, Integer> put : puts) {
      b.attribute(KEYS.get(put.get1()), put.get2());
      expected.put(KEYS.get(put.get1()), put.get2());
    }

    Completion c = b.call();

    for (AttributeKey<Integer> key : KEYS) {
      assertThat(c.attribute(key)).isEqualTo(java.util.Optional.ofNullable(expected.get(key)));
    }
  }

  @Provide
  Arbitrary<List<Tuple.Tuple2<Integer, Integer>>> puts() {
    return Arbitraries.integers().between(0, KEYS.size() - 1)
        .flatMap(k -> Arbitraries.integers().between(0, 99).map(v -> Tuple.of(k, v)))
        .list().ofMaxSize(6);
  }
}
