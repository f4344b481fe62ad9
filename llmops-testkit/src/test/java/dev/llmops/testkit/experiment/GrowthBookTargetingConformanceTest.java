package dev.llmops.testkit.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.core.experiment.Condition;
import dev.llmops.testkit.ConformanceData;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs every case of the {@code evalCondition} section of GrowthBook's cross-SDK conformance file
 * ({@code growthbook-cases.json}, spec 0.8.0) through {@link Condition}: 248 cases, with saved
 * groups where a case has them.
 */
class GrowthBookTargetingConformanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static JsonNode cases = JSON.createObjectNode();

  @BeforeAll
  static void load() throws IOException {
    cases = JSON.readTree(ConformanceData.file("growthbook-cases.json").toFile());
  }

  @Test
  @SuppressWarnings("unchecked")
  void evalCondition() {
    int run = 0;
    int passing = 0;
    SoftAssertions soft = new SoftAssertions();
    for (JsonNode c : cases.get("evalCondition")) {
      String name = c.get(0).asText();
      Condition condition = Condition.of(JSON.convertValue(c.get(1), Map.class));
      Map<String, Object> attributes = JSON.convertValue(c.get(2), Map.class);
      Map<String, List<?>> groups = c.size() > 4 ? JSON.convertValue(c.get(4), Map.class) : Map.of();
      boolean expected = c.get(3).asBoolean();
      soft.assertThat(condition.test(attributes, groups)).as("%s: %s on %s", name, c.get(1), c.get(2)).isEqualTo(expected);
      run++;
      if (expected) {
        passing++;
      }
    }
    soft.assertAll();
    assertThat(run).isEqualTo(248);
    assertThat(passing).as("cases expected to pass").isEqualTo(146);
  }

  @Test
  void conditionJsonRoundTrips() {
    Condition c = Condition.parse("{\"plan\":{\"$in\":[\"pro\",\"team\"]},\"v\":{\"$vgte\":\"2.4.0\"},\"n\":3}");
    assertThat(Condition.parse(c.toJson())).isEqualTo(c);
    assertThat(c.toJson()).isEqualTo("{\"plan\":{\"$in\":[\"pro\",\"team\"]},\"v\":{\"$vgte\":\"2.4.0\"},\"n\":3}");
    assertThat(c.test(Map.of("plan", "pro", "v", "2.10.1", "n", 3))).isTrue();
    assertThat(c.test(Map.of("plan", "pro", "v", "2.3.9", "n", 3))).isFalse();
  }
}
