package dev.llmops.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.PromptRef;
import dev.llmops.core.LlmClient;
import dev.llmops.core.PromptCallBuilder;
import dev.llmops.core.prompt.InMemoryPromptSource;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.prompt.PromptVersion;
import dev.llmops.testkit.FakeChatModel;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import org.junit.jupiter.api.Test;

/** The variables {@code client.prompt(name)} hands to the pipeline in its {@link PromptRef}. */
class PromptCallVariablesTest {
  private final LlmClient client = LlmClient.builder()
      .model("fast", FakeChatModel.create())
      .prompts(PromptRegistry.builder()
          .source(InMemoryPromptSource.builder()
              .add(PromptVersion.builder("hello", 1).user("Hello.").build())
              .label("hello", "production", 1)
              .build())
          .executor(Runnable::run)
          .build())
      .build();

  @AfterProperty
  @org.junit.jupiter.api.AfterEach
  void close() {
    client.close();
  }

  /** One way of adding variables: a whole map at once, or its entries one by one. */
  record Step(Map<String, Object> map, boolean single) {
    void apply(PromptCallBuilder b) {
      if (single) {
        map.forEach(b::variable);
      } else {
        b.variables(map);
      }
    }
  }

  @Property(tries = 150)
  void theCallCarriesWhatTheStepsAddedLaterValuesWinning(@ForAll("steps") List<Step> steps) {
    PromptCallBuilder b = client.prompt("hello");
    Map<String, Object> expected = new LinkedHashMap<>();
    for (Step s : steps) {
      s.apply(b);
      expected.putAll(s.map());
    }

    PromptRef ref = b.call().attribute(PromptRef.KEY).orElseThrow();

    assertThat(ref.variables()).isEqualTo(expected);
    assertThat(ref.name()).isEqualTo("hello");
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Map<String, Object>> maps = Arbitraries.maps(
        Arbitraries.of("a", "b", "c", "d"), Arbitraries.integers().between(0, 9).map(i -> (Object) i)).ofMaxSize(3);
    Arbitrary<Step> step = Combinators.combine(maps, Arbitraries.of(true, false)).as(Step::new);
    return step.list().ofMaxSize(4);
  }

  @Test
  void labelAndVersionAreCarriedWithTheVariables() {
    PromptRef labelled = client.prompt("hello").variables(Map.of("a", 1)).variable("b", 2).label("production")
        .call().attribute(PromptRef.KEY).orElseThrow();
    PromptRef pinned = client.prompt("hello").version(1).variable("b", 2)
        .call().attribute(PromptRef.KEY).orElseThrow();
    PromptRef bare = client.prompt("hello").call().attribute(PromptRef.KEY).orElseThrow();

    assertThat(labelled).isEqualTo(new PromptRef("hello", "production", null, Map.of("a", 1, "b", 2)));
    assertThat(pinned).isEqualTo(new PromptRef("hello", null, 1, Map.of("b", 2)));
    assertThat(bare).isEqualTo(new PromptRef("hello", null, null, Map.of()));
  }

  @Test
  void laterChangesToTheCallersMapDoNotReachTheCall() {
    Map<String, Object> vars = new HashMap<>(Map.of("who", "Ann"));
    PromptCallBuilder b = client.prompt("hello").variables(vars);
    vars.put("who", "Bob");
    vars.put("extra", 1);

    assertThat(b.call().attribute(PromptRef.KEY).orElseThrow().variables()).isEqualTo(Map.of("who", "Ann"));
  }

  @Test
  void nullNamesAndValuesAreRejectedAtOnceByName() {
    Map<String, Object> nullValue = new HashMap<>();
    nullValue.put("who", null);
    Map<String, Object> nullName = new HashMap<>();
    nullName.put(null, "x");

    assertThatThrownBy(() -> client.prompt("hello").variables(nullValue))
        .isInstanceOf(NullPointerException.class).hasMessage("value");
    assertThatThrownBy(() -> client.prompt("hello").variable("a", 1).variables(nullName))
        .isInstanceOf(NullPointerException.class).hasMessage("name");
  }
}
