package dev.llmops.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link VariablesWith}'s accessors and its shortcuts (a remembered base hash, equality of two
 * layers over one base); {@code PromptRefVariablesTest} checks it behaves as a copy would.
 */
class VariablesWithTest {

  @Test
  void theLayersAndTheirBaseCanBeRead() {
    Map<String, Object> root = Map.of("a", 1, "b", 2);
    VariablesWith one = (VariablesWith) VariablesWith.of(root, "b", 3);
    VariablesWith two = (VariablesWith) VariablesWith.of(one, "c", 4);

    assertThat(two.base()).isSameAs(one);
    assertThat(two.root()).isSameAs(root);
    assertThat(one.root()).isSameAs(root);
    assertThat(two.key()).isEqualTo("c");
    assertThat(two.value()).isEqualTo(4);
    assertThat(one.replaces()).isTrue();
    assertThat(two.replaces()).isFalse();
    assertThat(two.depth()).isEqualTo(2);
    assertThat(two).isEqualTo(Map.of("a", 1, "b", 3, "c", 4));
  }

  @Test
  void theHashOfASharedBaseIsRememberedAndAgreesWithACopy() {
    Map<String, Object> root = Map.of("company", "Acme", "tone", "warm", "n", 7L);
    for (long ticket = 0; ticket < 5; ticket++) {
      Map<String, Object> layered = VariablesWith.of(root, "ticket", ticket);
      Map<String, Object> copy = new HashMap<>(root);
      copy.put("ticket", ticket);
      assertThat(layered.hashCode()).isEqualTo(copy.hashCode());
      Map<String, Object> replacing = VariablesWith.of(root, "n", ticket);
      copy = new HashMap<>(root);
      copy.put("n", ticket);
      assertThat(replacing.hashCode()).isEqualTo(copy.hashCode());
    }
  }

  @Test
  void aBaseWithAMutableValueIsHashedAnewEachTime() {
    List<String> items = new ArrayList<>(List.of("a"));
    Map<String, Object> root = Map.of("items", items, "k", "v");
    Map<String, Object> layered = VariablesWith.of(root, "ticket", 1);
    int before = layered.hashCode();
    items.add("b");

    Map<String, Object> copy = new HashMap<>(root);
    copy.put("ticket", 1);
    assertThat(layered.hashCode()).isEqualTo(copy.hashCode()).isNotEqualTo(before);
  }

  @Test
  void layersOverOneBaseAreEqualExactlyWhenTheirVariablesAre() {
    Map<String, Object> root = Map.of("a", 1);
    Map<String, Object> one = VariablesWith.of(root, "t", 5L);

    assertThat(one).isEqualTo(VariablesWith.of(root, "t", 5L));
    assertThat(one).isNotEqualTo(VariablesWith.of(root, "t", 5));
    assertThat(one).isNotEqualTo(VariablesWith.of(root, "t", 6L));
    assertThat(one).isNotEqualTo(VariablesWith.of(root, "u", 5L));
    // Another base with the same entries: equal too, the long way.
    assertThat(one).isEqualTo(VariablesWith.of(Map.copyOf(new HashMap<>(root)), "t", 5L));
    assertThat(one).isEqualTo(VariablesWith.of(Map.of("a", 1, "t", 0L), "t", 5L));
    assertThat(one).isNotEqualTo(VariablesWith.of(Map.of("a", 1, "b", 0L), "t", 5L));
  }
}
