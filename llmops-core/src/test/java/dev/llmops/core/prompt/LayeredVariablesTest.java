package dev.llmops.core.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.Message;
import dev.llmops.api.PromptRef;
import dev.llmops.api.Role;
import dev.llmops.api.TemplateVariableMissingException;
import dev.llmops.api.internal.VariablesWith;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import dev.llmops.core.InThreads;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Rendering layered variables ({@link PromptRef#withVariable}): a template that does not use a
 * layer's variable answers from the message of the same base instance without looking anything up,
 * the unused variables of a base are remembered by its identity, and all of it renders exactly what
 * a plain copy of the variables renders.
 */
class LayeredVariablesTest {
  private static final PromptVersion TICKET = ticket();

  private static PromptVersion ticket() {
    return PromptVersion.builder("support", 1)
        .system("You help with {{product}} at {{company}}, in a {{tone}} tone.")
        .user("Ticket {{ticket}}")
        .build();
  }

  /** An immutable map that counts the lookups made in it. */
  static final class CountingMap extends AbstractMap<String, Object> {
    private final Map<String, Object> inner;
    int lookups;

    CountingMap(Map<String, Object> inner) {
      this.inner = Map.copyOf(inner);
    }

    @Override
    public @Nullable Object get(@Nullable Object key) {
      lookups++;
      return inner.get(key);
    }

    @Override
    public boolean containsKey(@Nullable Object key) {
      lookups++;
      return inner.containsKey(key);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return inner.entrySet();
    }
  }

  private static Map<String, Object> layered(Map<String, Object> base, String key, Object value) {
    return new PromptRef("support", null, null, base).withVariable(key, value).variables();
  }

  @Test
  void aSharedBaseIsNotLookedUpOnceItsMessageIsKnown() {
    PromptVersion version = ticket();
    CountingMap base = new CountingMap(Map.of("product", "parcels", "company", "Acme", "tone", "warm", "x", 1));
    // What PromptRef builds; the counting base stands in for its Map.copyOf.
    RenderedPrompt first = version.render(VariablesWith.of(base, "ticket", 1L));
    int afterFirst = base.lookups;
    List<RenderedPrompt> later = new ArrayList<>();
    for (long ticket = 2; ticket < 6; ticket++) {
      later.add(version.render(VariablesWith.of(base, "ticket", ticket)));
    }

    assertThat(afterFirst).isPositive();
    assertThat(base.lookups).isEqualTo(afterFirst);
    for (RenderedPrompt r : later) {
      assertThat(r.messages().get(0)).isSameAs(first.messages().get(0));
      assertThat(r.unusedVariables()).isEqualTo(Set.of("x"));
    }
    assertThat(later.get(3).messages().get(1)).isEqualTo(Message.user("Ticket 5"));
    assertThat(first.messages().get(0)).isEqualTo(Message.system("You help with parcels at Acme, in a warm tone."));
  }

  @Test
  void anotherBaseWithEqualContentRendersAlike() {
    Map<String, Object> contents = Map.of("product", "parcels", "company", "Acme", "tone", "warm");
    CountingMap one = new CountingMap(contents);
    CountingMap other = new CountingMap(contents);
    Message fromOne = TICKET.render(VariablesWith.of(one, "ticket", 1L)).messages().get(0);
    TICKET.render(VariablesWith.of(one, "ticket", 2L));

    Message fromOther = TICKET.render(VariablesWith.of(other, "ticket", 3L)).messages().get(0);

    assertThat(other.lookups).isPositive(); // not answered by the other base's identity
    assertThat(fromOther).isEqualTo(fromOne);
  }

  @Test
  void aBaseWithOtherValuesIsRenderedWithItsOwn() {
    for (String company : List.of("Acme", "Globex", "Acme", "Initech", "Globex")) {
      Map<String, Object> base = Map.of("product", "parcels", "company", company, "tone", "warm");
      for (long ticket = 0; ticket < 3; ticket++) {
        assertThat(TICKET.render(layered(base, "ticket", ticket)).messages().get(0).content())
            .isEqualTo("You help with parcels at " + company + ", in a warm tone.");
      }
    }
  }

  @Test
  void aMutableMapRenderedDirectlyIsLookedUpEveryTime() {
    Map<String, Object> vars = new HashMap<>(Map.of("product", "parcels", "company", "Acme", "tone", "warm",
        "ticket", 1));
    for (int i = 0; i < 5; i++) {
      assertThat(TICKET.render(vars).messages().get(0).content()).contains("at Acme,");
    }
    vars.put("company", "Globex");
    vars.put("extra", 2);

    RenderedPrompt changed = TICKET.render(vars);

    assertThat(changed.messages().get(0).content()).contains("at Globex,");
    assertThat(changed.unusedVariables()).containsExactly("extra");
  }

  @Test
  void aLayerReplacingAVariableTheTemplateUsesIsRenderedWithTheLayersValue() {
    Map<String, Object> base = Map.of("product", "parcels", "company", "Acme", "tone", "warm", "ticket", 0L);
    for (int i = 0; i < 4; i++) {
      TICKET.render(base);
      TICKET.render(layered(base, "ticket", 9L));
    }

    RenderedPrompt replaced = TICKET.render(layered(base, "company", "Globex"));
    RenderedPrompt ticket = TICKET.render(layered(base, "ticket", 7L));

    assertThat(replaced.messages().get(0).content()).contains("at Globex,");
    assertThat(replaced.messages().get(1).content()).isEqualTo("Ticket 0");
    assertThat(ticket.messages().get(0).content()).contains("at Acme,");
    assertThat(ticket.messages().get(1).content()).isEqualTo("Ticket 7");
  }

  @Test
  void theUnusedVariablesOfTheLayersAreAddedToTheBases() {
    Map<String, Object> base = Map.of("product", "parcels", "company", "Acme", "tone", "warm", "ticket", 0L,
        "typo", 1);
    for (int i = 0; i < 3; i++) {
      assertThat(TICKET.render(layered(base, "ticket", 1L)).unusedVariables()).containsExactly("typo");
      assertThat(TICKET.render(layered(base, "other", 1L)).unusedVariables()).containsExactlyInAnyOrder("typo",
          "other");
      assertThat(TICKET.render(layered(base, "typo", 2L)).unusedVariables()).containsExactly("typo");
    }
    Map<String, Object> clean = Map.of("product", "parcels", "company", "Acme", "tone", "warm");
    assertThat(TICKET.render(layered(clean, "ticket", 1L)).unusedVariables()).isEmpty();
    assertThat(TICKET.render(layered(layered(layered(clean, "a", 1), "ticket", 3), "b", 2)).unusedVariables())
        .containsExactlyInAnyOrder("a", "b");
  }

  // --- properties: the layered renders agree with renders of a plain copy ---

  private static final PromptVersion MIXED = PromptVersion.builder("mixed", 1)
      .system("S {{a}} and {{b}}")
      .user("U {{c}}/{{a}}")
      .assistant("{{#d}}[{{.}}]{{/d}} {{e}}")
      .build();

  record Put(String name, Object value) {}

  @Provide
  Arbitrary<Map<String, Object>> bases() {
    return Arbitraries.maps(Arbitraries.of("a", "b", "c", "d", "e", "f"), values()).ofMaxSize(6);
  }

  private static Arbitrary<Object> values() {
    return Arbitraries.oneOf(
        Arbitraries.of("x", "y", "").map(s -> (Object) s),
        Arbitraries.integers().between(0, 2).map(i -> (Object) i),
        Arbitraries.<Object>of(1L, 2.5, true, List.of("p", "q"), List.of()));
  }

  @Provide
  Arbitrary<List<List<Put>>> layerSets() {
    Arbitrary<Put> put = Combinators.combine(Arbitraries.of("a", "b", "c", "d", "e", "g"), values()).as(Put::new);
    return put.list().ofMaxSize(4).list().ofMinSize(1).ofMaxSize(6);
  }

  private static Map<String, Object> apply(Map<String, Object> base, List<Put> puts) {
    PromptRef ref = new PromptRef("mixed", null, null, base);
    for (Put p : puts) {
      ref = ref.withVariable(p.name(), p.value());
    }
    return ref.variables();
  }

  /** The render of a plain, mutable copy (never remembered by identity), or the missing variable. */
  private static Object expected(Map<String, Object> variables) {
    return outcome(new HashMap<>(variables));
  }

  private static Object outcome(Map<String, Object> variables) {
    try {
      RenderedPrompt r = MIXED.render(variables);
      return List.of(r.messages(), r.unusedVariables());
    } catch (TemplateVariableMissingException e) {
      return Objects.requireNonNull(e.getMessage());
    }
  }

  @Property(tries = 300)
  void layeredVariablesRenderAsAPlainCopyDoes(
      @ForAll("bases") Map<String, Object> contents, @ForAll("layerSets") List<List<Put>> layerSets) {
    Map<String, Object> base = Map.copyOf(contents);
    for (int round = 0; round < 3; round++) {
      for (List<Put> puts : layerSets) {
        Map<String, Object> variables = apply(base, puts);
        assertThat(outcome(variables)).isEqualTo(expected(variables));
      }
    }
  }

  @Property(tries = 25)
  void concurrentRendersOfLayeredVariablesAgreeWithPlainCopies(
      @ForAll("bases") Map<String, Object> first, @ForAll("bases") Map<String, Object> second,
      @ForAll("layerSets") List<List<Put>> layerSets) throws Exception {
    List<Map<String, Object>> inputs = new ArrayList<>();
    List<Object> expected = new ArrayList<>();
    for (Map<String, Object> base : List.of(Map.copyOf(first), Map.copyOf(second))) {
      for (List<Put> puts : layerSets) {
        Map<String, Object> variables = apply(base, puts);
        inputs.add(variables);
        expected.add(expected(variables));
      }
    }
    InThreads.run(4, offset -> {
      for (int i = 0; i < 400; i++) {
        int k = (i + offset) % inputs.size();
        assertThat(outcome(inputs.get(k))).isEqualTo(expected.get(k));
      }
    });
  }

  @Test
  void aPlainTemplateSkipsOnlyTheLayersItDoesNotUse() {
    PlainTemplate system = Objects.requireNonNull(
        PlainTemplate.of(Templates.compile("{{a}}-{{b}}", "t"), Role.SYSTEM));
    Map<String, Object> base = Map.of("a", 1, "b", 2);
    for (int i = 0; i < 3; i++) {
      assertThat(Objects.requireNonNull(system.render(layered(base, "z", i))).content()).isEqualTo("1-2");
      assertThat(Objects.requireNonNull(system.render(layered(layered(base, "z", i), "b", i))).content())
          .isEqualTo("1-" + i);
      assertThat(Objects.requireNonNull(system.render(layered(layered(base, "b", 7), "z", i))).content())
          .isEqualTo("1-7");
    }
    // A missing variable is still reported, through mustache.java.
    assertThat(system.render(layered(Map.of("a", 1), "z", 0))).isNull();
  }
}
