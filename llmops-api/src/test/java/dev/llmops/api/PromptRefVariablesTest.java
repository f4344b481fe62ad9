package dev.llmops.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@link PromptRef#withVariable}: the variables it builds behave as an immutable copy would. */
class PromptRefVariablesTest {

  record Put(String name, Object value) {}

  @Provide
  Arbitrary<Map<String, Object>> bases() {
    return Arbitraries.maps(Arbitraries.of("a", "b", "c", "d"), Arbitraries.integers().between(0, 3).map(i -> (Object) i))
        .ofMaxSize(4);
  }

  @Provide
  Arbitrary<List<Put>> puts() {
    Arbitrary<Put> put = Combinators.combine(
            Arbitraries.of("a", "b", "c", "e", "f"),
            Arbitraries.oneOf(Arbitraries.integers().between(0, 3).map(i -> (Object) i), Arbitraries.of("x", 2L)))
        .as(Put::new);
    return put.list().ofMaxSize(20);
  }

  @Property(tries = 500)
  void behavesLikeACopyWithTheVariablesPut(
      @ForAll("bases") Map<String, Object> base, @ForAll("puts") List<Put> puts) {
    PromptRef ref = new PromptRef("p", "production", null, base);
    Map<String, Object> expected = new HashMap<>(base);
    for (Put p : puts) {
      ref = ref.withVariable(p.name(), p.value());
      expected.put(p.name(), p.value());
    }
    Map<String, Object> actual = ref.variables();

    assertThat(actual).isEqualTo(expected);
    assertThat(expected).isEqualTo(actual);
    assertThat(Map.copyOf(expected)).isEqualTo(actual);
    assertThat(actual.hashCode()).isEqualTo(expected.hashCode());
    assertThat(actual.size()).isEqualTo(expected.size());
    assertThat(actual.isEmpty()).isEqualTo(expected.isEmpty());
    for (String name : List.of("a", "b", "c", "d", "e", "f", "g")) {
      assertThat(actual.get(name)).isEqualTo(expected.get(name));
      assertThat(actual.containsKey(name)).isEqualTo(expected.containsKey(name));
    }
    List<String> iterated = new ArrayList<>();
    for (Map.Entry<String, Object> e : actual.entrySet()) {
      iterated.add(e.getKey());
      assertThat(e.getValue()).isEqualTo(expected.get(e.getKey()));
    }
    assertThat(iterated).containsExactlyInAnyOrderElementsOf(expected.keySet());
    Map<String, Object> visited = new HashMap<>();
    actual.forEach(visited::put);
    assertThat(visited).isEqualTo(expected);
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    assertThat(new ArrayList<>(actual.values())).containsExactlyInAnyOrderElementsOf(expected.values());
    assertThat(ref.name()).isEqualTo("p");
    assertThat(ref.label()).isEqualTo("production");
    assertThat(ref).isEqualTo(new PromptRef("p", "production", null, expected));
    assertThat(ref.hashCode()).isEqualTo(new PromptRef("p", "production", null, expected).hashCode());
  }

  @Test
  void theVariablesAreImmutable() {
    Map<String, Object> vars = new PromptRef("p", null, null, Map.of("a", 1)).withVariable("b", 2).variables();

    assertThatThrownBy(() -> vars.put("c", 3)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> vars.remove("a")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(vars::clear).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> vars.keySet().remove("a")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> vars.values().clear()).isInstanceOf(UnsupportedOperationException.class);
    Iterator<Map.Entry<String, Object>> it = vars.entrySet().iterator();
    Map.Entry<String, Object> first = it.next();
    assertThatThrownBy(it::remove).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> first.setValue(9)).isInstanceOf(UnsupportedOperationException.class);
    it.next();
    assertThat(it.hasNext()).isFalse();
    assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
    assertThat(vars).isEqualTo(Map.of("a", 1, "b", 2));
  }

  @Test
  void withVariableLeavesTheOriginalUnchanged() {
    PromptRef ref = new PromptRef("p", "staging", 2, Map.of("a", 1));

    PromptRef with = ref.withVariable("a", 5).withVariable("b", 2);

    assertThat(ref.variables()).isEqualTo(Map.of("a", 1));
    assertThat(with).isEqualTo(new PromptRef("p", "staging", 2, Map.of("a", 5, "b", 2)));
  }

  @Test
  void aReferencesOwnVariablesAreKeptOthersAreCopied() {
    PromptRef ref = new PromptRef("p", null, null, Map.of("a", 1)).withVariable("b", 2);
    Map<String, Object> mutable = new HashMap<>(Map.of("a", 1));
    PromptRef copied = new PromptRef("p", null, null, mutable);
    mutable.put("a", 2);

    assertThat(new PromptRef("q", "staging", null, ref.variables()).variables()).isSameAs(ref.variables());
    assertThat(ref.withLabel("staging").variables()).isSameAs(ref.variables());
    assertThat(ref.withVersion(3).variables()).isSameAs(ref.variables());
    assertThat(copied.variables()).isEqualTo(Map.of("a", 1));
  }

  @Test
  void nullsAreRejected() {
    PromptRef ref = new PromptRef("p", null, null, Map.of("a", 1));

    assertThatThrownBy(() -> ref.withVariable(null, 1)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> ref.withVariable("b", null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> ref.withVariable("b", 2).variables().get(null)).isInstanceOf(NullPointerException.class);
    assertThat(ref.withVariable("b", 2).toString()).contains("a=1").contains("b=2");
  }
}
