package dev.llmops.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.PromptRef;
import dev.llmops.api.internal.VariablesWith;
import dev.llmops.core.prompt.PromptVersion;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import dev.llmops.core.InThreads;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Prompt keys of layered variables ({@link PromptRef#withVariable}), computed from the remembered
 * facts of their shared base, are exactly the keys of the same variables in one plain map: the
 * same kind (exact, digest or full request), equal, with the same hash.
 */
class LayeredCacheKeysTest {
  private static final PromptVersion VERSION = PromptVersion.builder("p", 1).system("Hello").build();
  private static final String LONG = "x".repeat(CacheKeys.MAX_EXACT_CHARS / 2);

  record Put(String name, Object value) {}

  private static Arbitrary<Object> values() {
    return Arbitraries.oneOf(
        Arbitraries.of("a", "", LONG, "é").map(s -> (Object) s),
        Arbitraries.integers().between(0, 2).map(i -> (Object) i),
        Arbitraries.<Object>of(1L, new BigDecimal("1.0"), new BigDecimal("1.00"), 'c', List.of("list")));
  }

  @Provide
  Arbitrary<Map<String, Object>> bases() {
    return Arbitraries.maps(Arbitraries.of("a", "b", "c", "d"), values()).ofMaxSize(4);
  }

  @Provide
  Arbitrary<List<List<Put>>> layerSets() {
    Arbitrary<Put> put = Combinators.combine(Arbitraries.of("a", "b", "e", "f"), values()).as(Put::new);
    return put.list().ofMaxSize(VariablesWith.MAX_DEPTH + 2).list().ofMinSize(1).ofMaxSize(5);
  }

  private static CacheKey key(Map<String, Object> variables) {
    ChatRequest request = ChatRequest.builder().messages(VERSION.render(variables).messages()).temperature(0).build();
    return CacheKeys.key("gpt", request, VERSION, new PromptRef("p", null, null, variables), request);
  }

  @Property(tries = 500)
  void layeredKeysAreThoseOfAPlainCopy(
      @ForAll("bases") Map<String, Object> contents, @ForAll("layerSets") List<List<Put>> layerSets) {
    Map<String, Object> base = Map.copyOf(contents);
    for (int round = 0; round < 2; round++) {
      for (List<Put> puts : layerSets) {
        PromptRef ref = new PromptRef("p", null, null, base);
        for (Put p : puts) {
          ref = ref.withVariable(p.name(), p.value());
        }
        Map<String, Object> layered = ref.variables();
        Map<String, Object> plain = Map.copyOf(new HashMap<>(layered));

        CacheKey expected = key(plain);
        CacheKey actual = key(layered);

        assertThat(actual.getClass()).isEqualTo(expected.getClass());
        assertThat(actual).isEqualTo(expected);
        assertThat(expected).isEqualTo(actual);
        assertThat(actual.hashCode()).isEqualTo(expected.hashCode());
        if (layered instanceof VariablesWith w) {
          long plainChars = 0;
          boolean scalars = true;
          for (Map.Entry<String, Object> e : plain.entrySet()) {
            scalars &= dev.llmops.api.internal.BaseFacts.isScalar(e.getValue());
            plainChars += e.getKey().length() + dev.llmops.api.internal.BaseFacts.chars(e.getValue());
          }
          assertThat(CacheKeys.chars(w)).isEqualTo(scalars ? plainChars : -1);
        }
      }
    }
  }

  @Property(tries = 20)
  void concurrentKeysOfLayeredVariablesAreThoseOfPlainCopies(
      @ForAll("bases") Map<String, Object> first, @ForAll("bases") Map<String, Object> second,
      @ForAll("layerSets") List<List<Put>> layerSets) throws Exception {
    List<Map<String, Object>> inputs = new ArrayList<>();
    List<CacheKey> expected = new ArrayList<>();
    // More bases than BaseFacts remembers, so that threads also replace one another's entries.
    List<Map<String, Object>> bases = List.of(Map.copyOf(first), Map.copyOf(second), Map.copyOf(new HashMap<>(first)),
        Map.copyOf(new HashMap<>(second)), Map.of("a", "z"), Map.of("b", 2L));
    for (Map<String, Object> base : bases) {
      for (List<Put> puts : layerSets) {
        PromptRef ref = new PromptRef("p", null, null, base);
        for (Put p : puts) {
          ref = ref.withVariable(p.name(), p.value());
        }
        inputs.add(ref.variables());
        expected.add(key(Map.copyOf(new HashMap<>(ref.variables()))));
      }
    }
    InThreads.run(4, offset -> {
      for (int i = 0; i < 300; i++) {
        int k = (i * 5 + offset) % inputs.size();
        CacheKey actual = key(inputs.get(k));
        assertThat(actual).isEqualTo(expected.get(k));
        assertThat(actual.hashCode()).isEqualTo(expected.get(k).hashCode());
      }
    });
  }

  @Test
  void aLayerOverAnotherBaseWithEqualContentGetsAnEqualKey() {
    Map<String, Object> one = Map.of("company", "Acme", "n", 1L);
    Map<String, Object> other = Map.copyOf(new HashMap<>(one));
    List<CacheKey> keys = new ArrayList<>();
    for (Map<String, Object> base : List.of(one, other, one, other)) {
      keys.add(key(new PromptRef("p", null, null, base).withVariable("ticket", 7L).variables()));
    }
    assertThat(keys).allSatisfy(k -> assertThat(k).isEqualTo(keys.get(0)).hasSameHashCodeAs(keys.get(0)));
    assertThat(keys.get(0)).isInstanceOf(CacheKey.Prompt.class);
    assertThat(key(new PromptRef("p", null, null, one).withVariable("ticket", 7).variables()))
        .isNotEqualTo(keys.get(0));
  }

  @Test
  void aLayerReplacingTheBasesOnlyNonScalarGetsAPromptKey() {
    Map<String, Object> base = Map.of("items", List.of("a"), "n", 1L);
    Map<String, Object> replaced = new PromptRef("p", null, null, base).withVariable("items", "a").variables();
    Map<String, Object> kept = new PromptRef("p", null, null, base).withVariable("t", "a").variables();

    assertThat(key(replaced)).isInstanceOf(CacheKey.Prompt.class);
    assertThat(key(kept)).isInstanceOf(CacheKey.Request.class);
  }

  @Test
  void aLayerReplacingALongBaseValueCountsOnlyItsOwnText() {
    Map<String, Object> base = Map.of("doc", "y".repeat(CacheKeys.MAX_EXACT_CHARS));
    Map<String, Object> shortDoc = new PromptRef("p", null, null, base).withVariable("doc", "short").variables();
    Map<String, Object> longDoc = new PromptRef("p", null, null, base).withVariable("t", 1).variables();

    assertThat(key(shortDoc)).isInstanceOf(CacheKey.Prompt.class);
    assertThat(key(longDoc)).isInstanceOf(CacheKey.Digest.class);
  }

  /** A template value that is no plain scalar and must never be hashed. */
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
  void aBaseWithAValueThatIsNoScalarIsKeyedOnTheWholeRequestWithoutHashingIt() {
    Map<String, Object> base = Map.of("thing", new Unhashable(), "n", 1L);
    for (long ticket = 0; ticket < 3; ticket++) {
      assertThat(key(new PromptRef("p", null, null, base).withVariable("ticket", ticket).variables()))
          .isInstanceOf(CacheKey.Request.class);
    }
  }
}
