package dev.llmops.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.llmops.api.ConfigurationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class PropertyTreeTest {
  private static StandardEnvironment env(Map<String, Object> high, Map<String, Object> low) {
    StandardEnvironment env = new StandardEnvironment();
    env.getPropertySources().addFirst(new MapPropertySource("low", low));
    env.getPropertySources().addFirst(new MapPropertySource("high", high));
    return env;
  }

  @Test
  void namesBecomeMapsListsAndKeysWithDots() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("llmops.models.smart.provider", "openai");
    p.put("llmops.budgets[1].scope", "global");
    p.put("llmops.budgets[0].scope", "tenant");
    p.put("llmops.accounting.overrides[gpt-4.1].inputPerMillion", "2.00");
    p.put("llmops.resilience.maxAttempts", 3);
    p.put("llmops.enabled", "true");
    p.put("llmops.micrometer.tenantTag", "true");
    p.put("other.key", "x");
    Map<String, Object> tree = PropertyTree.read(env(p, Map.of()));
    assertThat(tree).containsOnlyKeys("models", "budgets", "accounting", "resilience");
    assertThat(tree.get("budgets")).isEqualTo(List.of(Map.of("scope", "tenant"), Map.of("scope", "global")));
    assertThat(tree.get("accounting")).isEqualTo(Map.of("overrides", Map.of("gpt-4.1", Map.of("inputPerMillion", "2.00"))));
    assertThat(tree.get("resilience")).isEqualTo(Map.of("maxAttempts", 3)); // the source's type is kept
  }

  @Test
  void theHigherSourceWinsAndPlaceholdersAreResolved() {
    StandardEnvironment env = env(
        Map.of("llmops.defaultModel", "${model.name}", "model.name", "smart"),
        Map.of("llmops.defaultModel", "cheap", "llmops.cache.maximumSize", "5"));
    Map<String, Object> tree = PropertyTree.read(env);
    assertThat(tree).containsEntry("defaultModel", "smart").containsEntry("cache", Map.of("maximumSize", "5"));
  }

  @Test
  void gapsInListsAndMalformedNamesAreReportedTogether() {
    ConfigurationException e = catchThrowableOfType(ConfigurationException.class, () -> PropertyTree.read(env(
        Map.of("llmops.budgets[0].scope", "tenant", "llmops.budgets[2].scope", "global", "llmops.models..x", "y"),
        Map.of())));
    assertThat(e.problems()).containsExactlyInAnyOrder(
        "llmops.budgets[1]: missing (list items must be numbered from 0 without gaps)",
        "llmops.models..x: not a property name llmops can read (use a.b, a[0] or a[key.with.dots])");
  }
}
